using OnlineLearning.Core.Models;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Lru;

/// <summary>How a fixed-point LRU network learns: the rule, the kernels, and the plain SGD step applied every K steps.</summary>
public sealed record QLruOptions
{
    public LruRule Rule { get; init; } = LruRule.Online;

    /// <summary>The kernels; null means <see cref="Backends.Current"/>.</summary>
    public QKernels? Kernels { get; init; }

    /// <summary>Learning rate as a power of two: Δmaster = −grad · 2^-LearningRateShift. 0 disables updates.</summary>
    public int LearningRateShift { get; init; }

    /// <summary>Apply the summed gradients every this many steps (1 = immediate).</summary>
    public int UpdateEvery { get; init; } = 1;
}
