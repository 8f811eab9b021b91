using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>
/// The fault loop every source shares. <see cref="ReadFrame"/> does the device-specific work and throws on a
/// fault (I/O error, timeout, or a <see cref="SensorFaultException"/> it detected); this class catches it,
/// counts it, sleeps with exponential backoff and calls <see cref="Recover"/> before trying again. A fault
/// therefore never escapes <see cref="Read"/>, and the normal path costs one try block and no allocation.
/// </summary>
public abstract class SensorSource : ISensorSource
{
    private readonly long _initialBackoff;
    private readonly long _maxBackoff;
    private readonly int _maxAttempts;
    private long _backoff;
    private bool _needsRecovery;
    private bool _ended;

    protected SensorSource(ISensorClock clock, RetryPolicy retry)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(retry);
        retry.Validate();
        Clock = clock;
        _initialBackoff = Math.Max(1, (long)(retry.InitialBackoff.TotalSeconds * clock.TicksPerSecond));
        _maxBackoff = Math.Max(_initialBackoff, (long)(retry.MaxBackoff.TotalSeconds * clock.TicksPerSecond));
        _maxAttempts = retry.MaxAttemptsPerRead;
        _backoff = _initialBackoff;
    }

    public abstract int Channels { get; }

    public abstract int SampleRateHz { get; }

    public abstract QFormat FrameFormat { get; }

    public SensorHealth Health { get; } = new();

    /// <summary>True after a fault until the device has been recovered.</summary>
    public bool IsFaulted => _needsRecovery;

    protected ISensorClock Clock { get; }

    public SensorReadResult Read(Span<short> frame)
    {
        if (frame.Length != Channels)
        {
            throw new ArgumentException($"The frame holds {frame.Length} values; this source has {Channels} channels.", nameof(frame));
        }

        if (_ended)
        {
            return SensorReadResult.EndOfStream;
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (_needsRecovery)
                {
                    Recover();
                    _needsRecovery = false;
                    _backoff = _initialBackoff;
                    Health.Recoveries++;
                }

                SensorReadResult result = ReadFrame(frame);
                if (result == SensorReadResult.Ok)
                {
                    Health.Frames++;
                }
                else if (result == SensorReadResult.EndOfStream)
                {
                    _ended = true;
                }

                return result;
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or UnauthorizedAccessException)
            {
                Health.RecordFault($"{ex.GetType().Name}: {ex.Message}");
                _needsRecovery = true;
                if (attempt >= _maxAttempts)
                {
                    return SensorReadResult.Fault;
                }

                Clock.Sleep(_backoff);
                _backoff = Math.Min(_backoff * 2, _maxBackoff);
                Health.Retries++;
            }
        }
    }

    public abstract string Describe();

    /// <summary>Reads one frame; throws <see cref="IOException"/> (or a subclass) on a fault.</summary>
    protected abstract SensorReadResult ReadFrame(Span<short> frame);

    /// <summary>Brings the device back after a fault (reopen, re-initialise); throws if it is still absent.</summary>
    protected abstract void Recover();

    /// <summary>Counts a fault the source handled itself without failing the read (a FIFO overflow, say).</summary>
    protected void ReportFault(string text) => Health.RecordFault(text);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
