using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Networks;

/// <summary>How a network learns, for any family: the rule by name, the update schedule, the optimiser and the kernels.</summary>
public sealed record NetworkOptions
{
    /// <summary>The rule's command-line name; null takes the family's default (ostl for spiking nets, online for LRUs).</summary>
    public string? Rule { get; init; }

    public UpdateSchedule Schedule { get; init; } = UpdateSchedule.Immediate;

    public SgdOptions Sgd { get; init; } = new();

    /// <summary>Kernels to run on; null means <see cref="Backends.Current"/>.</summary>
    public QKernels? Kernels { get; init; }

    /// <summary>
    /// Spiking networks under immediate SGD apply each weight gradient row as the trace pass forms it (bit-identical
    /// to accumulating and applying; see <see cref="Snn.QSnnOptions.FuseImmediateUpdate"/>). False keeps the two passes.
    /// </summary>
    public bool FuseImmediateUpdate { get; init; } = true;
}
