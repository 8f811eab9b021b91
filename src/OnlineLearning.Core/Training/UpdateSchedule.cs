namespace OnlineLearning.Core.Training;

/// <summary>When accumulated gradients are applied.</summary>
public enum UpdateMode
{
    /// <summary>After every step (online updates, seed 000 Alg. 1).</summary>
    Immediate,

    /// <summary>Every K steps.</summary>
    EveryK,

    /// <summary>At the end of each sequence (deferred updates, seed 000 Alg. 1).</summary>
    SequenceEnd,

    /// <summary>Never: gradients only accumulate (gradient checks).</summary>
    Never,
}

/// <summary>An update schedule: a mode and, for <see cref="UpdateMode.EveryK"/>, K.</summary>
public readonly record struct UpdateSchedule(UpdateMode Mode, int K = 1)
{
    public static UpdateSchedule Immediate => new(UpdateMode.Immediate);

    public static UpdateSchedule SequenceEnd => new(UpdateMode.SequenceEnd);

    public static UpdateSchedule Never => new(UpdateMode.Never);

    public static UpdateSchedule Every(int k) => k >= 1 ? new(UpdateMode.EveryK, k) : throw new ArgumentOutOfRangeException(nameof(k));
}

/// <summary>Counts steps and says when the schedule wants an update. A mutable struct: keep it in a field.</summary>
public struct UpdateClock
{
    private int _sinceUpdate;

    public UpdateClock(UpdateSchedule schedule)
    {
        Schedule = schedule;
        _sinceUpdate = 0;
    }

    public UpdateSchedule Schedule { get; }

    /// <summary>Call once per step; true when the accumulated gradient should be applied now.</summary>
    public bool Step()
    {
        _sinceUpdate++;
        bool due = Schedule.Mode switch
        {
            UpdateMode.Immediate => true,
            UpdateMode.EveryK => _sinceUpdate >= Schedule.K,
            _ => false,
        };
        if (due)
        {
            _sinceUpdate = 0;
        }

        return due;
    }

    /// <summary>Call at a sequence boundary; true when the schedule applies updates there.</summary>
    public bool EndSequence()
    {
        bool due = Schedule.Mode == UpdateMode.SequenceEnd && _sinceUpdate > 0;
        if (due)
        {
            _sinceUpdate = 0;
        }

        return due;
    }
}
