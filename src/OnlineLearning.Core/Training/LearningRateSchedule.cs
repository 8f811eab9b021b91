namespace OnlineLearning.Core.Training;

/// <summary>How the learning rate changes over a run (host side: the factor is applied between steps).</summary>
public enum ScheduleKind
{
    /// <summary>The configured rate throughout (after any warm-up).</summary>
    Constant,

    /// <summary>Cosine decay from the configured rate to <see cref="LearningRateSchedule.MinimumFactor"/> of it at the end.</summary>
    Cosine,
}

/// <summary>
/// Linear warm-up from 0 over <see cref="WarmupUpdates"/> updates, then constant or cosine decay to the end of
/// <see cref="TotalUpdates"/>. It only computes the factor; the caller passes it to
/// <see cref="Networks.IOnlineNetwork.SetLearningRateFactor"/> between steps, which turns it into integer rates
/// (floating point never reaches the step path).
/// </summary>
public sealed record LearningRateSchedule
{
    public ScheduleKind Kind { get; init; } = ScheduleKind.Constant;

    /// <summary>Updates of linear warm-up (0: none).</summary>
    public long WarmupUpdates { get; init; }

    /// <summary>Updates the run will make in total (the cosine's period).</summary>
    public long TotalUpdates { get; init; } = 1;

    /// <summary>Factor the cosine ends at.</summary>
    public double MinimumFactor { get; init; }

    /// <summary>The factor for update number <paramref name="update"/> (0-based).</summary>
    public double Factor(long update)
    {
        if (update < WarmupUpdates)
        {
            return (update + 1) / (double)WarmupUpdates;
        }

        if (Kind == ScheduleKind.Constant)
        {
            return 1;
        }

        long span = Math.Max(1, TotalUpdates - WarmupUpdates);
        double progress = Math.Clamp((update - WarmupUpdates) / (double)span, 0, 1);
        return MinimumFactor + ((1 - MinimumFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
