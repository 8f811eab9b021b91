namespace OnlineLearning.Cli.Runs;

/// <summary>
/// A surprise ratio in integers: a fast exponential average of a non-negative quantity divided by a slow one.
/// 1.0 is "as usual"; a burst the slow average has not seen rises well above it. Q8 (256 = 1.0).
/// </summary>
/// <remarks>
/// Both averages hold the value scaled by 2^16 so that small values still move them (an update is
/// (x - avg) >> shift). The slow average, the normaliser, starts as the running mean of the first 2^slow_shift values;
/// after that it is updated after the ratio is taken and with the value clipped at <see cref="ClipFactor"/> times
/// itself, so a burst does not at once teach it that bursts are normal.
/// </remarks>
internal sealed class SurpriseRatio
{
    public const int ScoreFrac = 8;
    public const int ClipFactor = 4;
    private const int Headroom = 16;
    private const long MaxValue = 1L << 44;

    private readonly int _slowShift;
    private readonly int _fastShift;
    private long _slow;
    private long _fast;
    private long _count;
    private bool _started;

    public SurpriseRatio(int slowShift, int fastShift)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slowShift, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(fastShift);
        _slowShift = slowShift;
        _fastShift = fastShift;
    }

    /// <summary>Feeds one value (any non-negative fixed-point scale, the same every step); returns the ratio in Q8.</summary>
    public int Update(long value)
    {
        long x = Math.Min(Math.Max(value, 0), MaxValue) << Headroom;
        if (!_started)
        {
            _slow = Math.Max(x, 1);
            _fast = x;
            _started = true;
        }

        _fast += (x - _fast) >> _fastShift;
        long denominator = Math.Max(_slow >> ScoreFrac, 1);
        int ratio = (int)Math.Min(_fast / denominator, int.MaxValue);
        _count++;
        if (_count < (1L << _slowShift))
        {
            // Warm-up: the plain running mean of what has been seen, unclipped.
            _slow += (x - _slow) / _count;
        }
        else
        {
            long clipped = Math.Min(x, _slow * ClipFactor);
            _slow += (clipped - _slow) >> _slowShift;
        }

        _slow = Math.Max(_slow, 1);
        return ratio;
    }
}

/// <summary>
/// The anomaly score of next-sample prediction: the mean of two surprise ratios, each 1.0 when things are as usual.
/// <list type="number">
/// <item>Prediction surprise: the squared next-sample prediction error (fast average over 2^fast_shift steps, slow
/// over 2^slow_shift). It catches what the network cannot predict: noise bursts, pops, odd beats.</item>
/// <item>Baseline surprise: the squared distance between a beat-length average of the input (2^level_shift steps)
/// and its slow average. A predictor that has learned the signal's dynamics predicts a slowly wandering baseline
/// almost perfectly (its error does not see the wander), so the level needs its own term.</item>
/// </list>
/// Integer-only, allocation-free. Score Q8 (256 = 1.0).
/// </summary>
internal sealed class SurpriseScore
{
    public const int ScoreFrac = SurpriseRatio.ScoreFrac;
    private const int LevelHeadroom = 16;

    private readonly SurpriseRatio _prediction;
    private readonly SurpriseRatio _baseline;
    private readonly int _levelShift;
    private readonly int _slowShift;
    private long _levelFast;
    private long _levelSlow;
    private bool _started;

    public SurpriseScore(int slowShift, int fastShift, int levelShift)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levelShift, 0);
        _prediction = new SurpriseRatio(slowShift, fastShift);
        _baseline = new SurpriseRatio(slowShift, fastShift);
        _levelShift = levelShift;
        _slowShift = slowShift;
    }

    /// <summary>The prediction term of the last update, Q8.</summary>
    public int PredictionScore { get; private set; }

    /// <summary>The baseline term of the last update, Q8.</summary>
    public int BaselineScore { get; private set; }

    /// <summary>
    /// Feeds one step: the squared prediction error (any fixed scale) and the input level (channel sum, any fixed
    /// scale up to ±2^20). Returns the score, Q8.
    /// </summary>
    public int Update(long squaredError, int level)
    {
        long x = (long)level << LevelHeadroom;
        if (!_started)
        {
            _levelFast = x;
            _levelSlow = x;
            _started = true;
        }

        _levelFast += (x - _levelFast) >> _levelShift;
        _levelSlow += (x - _levelSlow) >> _slowShift;
        long deviation = (_levelFast - _levelSlow) >> LevelHeadroom;
        PredictionScore = _prediction.Update(squaredError);
        BaselineScore = _baseline.Update(deviation * deviation);
        return (int)(((long)PredictionScore + BaselineScore) >> 1);
    }
}
