using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Snn;

/// <summary>How a fixed-point spiking network learns.</summary>
public sealed record QSnnOptions
{
    public SnnRule Rule { get; init; } = SnnRule.Ostl;

    public UpdateSchedule Schedule { get; init; } = UpdateSchedule.Immediate;

    public SgdOptions Sgd { get; init; } = new();

    /// <summary>Kernels to run on; null means <see cref="Backends.Current"/>.</summary>
    public QKernels? Kernels { get; init; }

    /// <summary>
    /// The readout's learning rate relative to <see cref="SgdOptions.LearningRate"/>. Its gradient sums integrated
    /// spikes (up to 1/(1 − leak) per step) against the much smaller signals that reach the hidden layers, so plain
    /// SGD wants it smaller.
    /// </summary>
    public double ReadoutLearningRateScale { get; init; } = 1;

    /// <summary>Train the thresholds θ (they always get gradients).</summary>
    public bool TrainThresholds { get; init; } = true;
}
