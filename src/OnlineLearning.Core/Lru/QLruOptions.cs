using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Lru;

/// <summary>How a fixed-point LRU network learns: the rule, the kernels, and the shared SGD and update schedule.</summary>
public sealed record QLruOptions
{
    public LruRule Rule { get; init; } = LruRule.Online;

    /// <summary>The kernels; null means <see cref="Backends.Current"/>.</summary>
    public QKernels? Kernels { get; init; }

    /// <summary>When the summed gradients are applied; <see cref="UpdateSchedule.Never"/> (the default) only accumulates them.</summary>
    public UpdateSchedule Schedule { get; init; } = UpdateSchedule.Never;

    /// <summary>The shared SGD (int32 masters, stochastic rounding).</summary>
    public SgdOptions Sgd { get; init; } = new();
}
