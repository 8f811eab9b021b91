namespace OnlineLearning.Sensors;

/// <summary>
/// Schedules frame n at start + n / rate (exact integer arithmetic, so it never drifts) and sleeps until it.
/// A live sensor keeps producing while the caller is late or a fault lasts; the slots that passed are reported
/// as lost instead of being read as repeated samples.
/// </summary>
internal sealed class FramePacer
{
    private readonly ISensorClock _clock;
    private readonly long _rate;
    private long _start;
    private long _index;

    public FramePacer(ISensorClock clock, int rateHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rateHz, 1);
        _clock = clock;
        _rate = rateHz;
        Restart();
    }

    public long PeriodTicks => CeilDiv(_clock.TicksPerSecond, _rate);

    /// <summary>Frame 0 is now; the next wait returns at frame 1.</summary>
    public void Restart()
    {
        _start = _clock.Now;
        _index = 0;
    }

    /// <summary>
    /// After an outage: returns the slots that began since the last delivered frame (frames lost) and restarts the
    /// schedule at now, so the next frame is a fresh one period later rather than a stale read right away.
    /// </summary>
    public long Resync()
    {
        long missed = Math.Max(0, SlotsBefore(_clock.Now - _start) - _index);
        Restart();
        return missed;
    }

    /// <summary>
    /// Waits for the next frame slot. When the slot has already passed: with <paramref name="dropLate"/> it jumps
    /// to the latest slot that has begun and returns how many slots were skipped (frames lost); without it (a
    /// recording: every frame is data) it re-anchors the schedule at now and returns 0.
    /// </summary>
    public long WaitNext(bool dropLate)
    {
        _index++;
        long deadline = _start + SlotOffset(_index);
        long now = _clock.Now;
        if (now < deadline)
        {
            _clock.Sleep(deadline - now);
            return 0;
        }

        if (!dropLate)
        {
            _start = now;
            _index = 0;
            return 0;
        }

        long latest = SlotsBefore(now - _start);
        long skipped = latest - _index;
        _index = latest;
        return skipped;
    }

    // Ticks from the start to slot n: ceil(n * tps / rate), split so n * tps cannot overflow.
    private long SlotOffset(long n)
    {
        long tps = _clock.TicksPerSecond;
        return (n / _rate * tps) + CeilDiv(n % _rate * tps, _rate);
    }

    // The largest n with SlotOffset(n) <= elapsed, which is floor(elapsed * rate / tps).
    private long SlotsBefore(long elapsed)
    {
        long tps = _clock.TicksPerSecond;
        return (elapsed / tps * _rate) + (elapsed % tps * _rate / tps);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
