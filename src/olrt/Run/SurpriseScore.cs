namespace OnlineLearning.Cli.Runs;

/// <summary>
/// The anomaly signal of next-sample prediction, in integers: a fast exponential average of the squared prediction
/// error divided by a slow one. 1.0 is "as surprised as usual"; a burst of errors the model cannot predict rises well
/// above it. The score is Q8 (256 = 1.0).
/// </summary>
/// <remarks>
/// Both averages hold the squared error scaled by 2^16 so that small errors still move them (an update is
/// (x - avg) >> shift). The slow average, the normaliser, is updated after the score is taken and with the error
/// clipped at <see cref="ClipFactor"/> times itself, so a burst of artefacts does not immediately teach it that
/// artefacts are normal.
/// </remarks>
internal sealed class SurpriseScore
{
    public const int ScoreFrac = 8;
    public const int ClipFactor = 4;
    private const int Headroom = 16;
    private const long MaxSquared = 1L << 44;

    private readonly int _slowShift;
    private readonly int _fastShift;
    private long _slow;
    private long _fast;
    private bool _started;

    public SurpriseScore(int slowShift, int fastShift)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slowShift, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(fastShift);
        _slowShift = slowShift;
        _fastShift = fastShift;
    }

    /// <summary>The last score, Q8.</summary>
    public int Score { get; private set; }

    /// <summary>Feeds one step's squared error (any non-negative fixed-point scale, the same every step); returns the score in Q8.</summary>
    public int Update(long squaredError)
    {
        long x = Math.Min(Math.Max(squaredError, 0), MaxSquared) << Headroom;
        if (!_started)
        {
            _slow = Math.Max(x, 1);
            _fast = x;
            _started = true;
        }

        _fast += (x - _fast) >> _fastShift;
        long denominator = Math.Max(_slow >> ScoreFrac, 1);
        Score = (int)Math.Min(_fast / denominator, int.MaxValue);
        long clipped = Math.Min(x, _slow * ClipFactor);
        _slow += (clipped - _slow) >> _slowShift;
        _slow = Math.Max(_slow, 1);
        return Score;
    }

    public void Reset()
    {
        _started = false;
        Score = 0;
    }
}
