using System.Diagnostics;

namespace OnlineLearning.Sensors;

/// <summary>
/// Time for pacing, backoff and simulated chips. Injected so tests run a minute of sensor time in
/// microseconds: <see cref="ManualSensorClock"/> advances when a source sleeps.
/// </summary>
public interface ISensorClock
{
    long TicksPerSecond { get; }

    /// <summary>Monotonic time in ticks.</summary>
    long Now { get; }

    /// <summary>Blocks for about <paramref name="ticks"/> ticks (never less).</summary>
    void Sleep(long ticks);
}

/// <summary>The real clock: <see cref="Stopwatch"/> time, sleeping in the kernel and spinning the last millisecond.</summary>
public sealed class SystemSensorClock : ISensorClock
{
    public static SystemSensorClock Instance { get; } = new();

    private SystemSensorClock()
    {
    }

    public long TicksPerSecond => Stopwatch.Frequency;

    public long Now => Stopwatch.GetTimestamp();

    public void Sleep(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        long deadline = Stopwatch.GetTimestamp() + ticks;
        // Thread.Sleep has millisecond granularity and oversleeps by up to a scheduler tick; at 360 Hz one frame is
        // 2.8 ms, so sleep all but the last millisecond and yield the rest to hit the deadline.
        long wholeMs = (ticks * 1000 / Stopwatch.Frequency) - 1;
        if (wholeMs > 0)
        {
            Thread.Sleep((int)Math.Min(wholeMs, int.MaxValue));
        }

        while (Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Yield();
        }
    }
}

/// <summary>A clock that only moves when told to or when something sleeps on it. For tests and simulations.</summary>
public sealed class ManualSensorClock : ISensorClock
{
    public ManualSensorClock(long ticksPerSecond = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerSecond, 1);
        TicksPerSecond = ticksPerSecond;
    }

    public long TicksPerSecond { get; }

    public long Now { get; private set; }

    /// <summary>Total ticks spent in <see cref="Sleep"/>.</summary>
    public long Slept { get; private set; }

    public void Sleep(long ticks)
    {
        if (ticks > 0)
        {
            Now += ticks;
            Slept += ticks;
        }
    }

    public void Advance(long ticks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ticks);
        Now += ticks;
    }

    public void AdvanceSeconds(double seconds) => Advance((long)(seconds * TicksPerSecond));
}
