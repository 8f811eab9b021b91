using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Training;

/// <summary>The one place a network family turns its <see cref="SgdOptions"/> into an optimiser.</summary>
public static class Optimizers
{
    /// <summary>
    /// <see cref="QSgd"/> (with momentum when set) or <see cref="QAdam"/>, over <paramref name="parameters"/>, each
    /// parameter's rate times its scale (null: 1).
    /// </summary>
    public static IOptimizer Create(ArenaPlan plan, IReadOnlyList<QParameter> parameters, SgdOptions options, IReadOnlyList<double>? learningRateScales = null, QKernels? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            OptimizerKind.Sgd => new QSgd(plan, parameters, options, learningRateScales) { Kernels = kernels },
            OptimizerKind.Adam => new QAdam(plan, parameters, options, learningRateScales),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown optimiser"),
        };
    }

    /// <summary>Whether parameters need velocity tensors for these options (SGD with momentum).</summary>
    public static bool NeedsVelocity(SgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == OptimizerKind.Sgd && options.Momentum > 0;
    }
}
