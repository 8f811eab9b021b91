namespace OnlineLearning.Core.Training;

/// <summary>Which optimiser a network builds (<see cref="Optimizers.Create"/>).</summary>
public enum OptimizerKind
{
    /// <summary>SGD, with heavy-ball momentum when <see cref="SgdOptions.Momentum"/> &gt; 0 (<see cref="QSgd"/>).</summary>
    Sgd,

    /// <summary>Adam with bias correction (<see cref="QAdam"/>); <see cref="SgdOptions.WeightDecay"/> is decoupled (AdamW) when &gt; 0.</summary>
    Adam,
}

/// <summary>Optimiser settings (SGD, momentum, Adam/AdamW), converted to fixed point once when the optimiser is built.</summary>
public sealed record SgdOptions
{
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Heavy-ball momentum μ in [0, 1); 0 disables the velocity tensor (SGD only).</summary>
    public double Momentum { get; init; }

    /// <summary>Seed of the stochastic-rounding generator lanes.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The optimiser; <see cref="OptimizerKind.Sgd"/> by default.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Adam's first-moment decay β1 in [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay β2 in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>
    /// Adam's ε, in gradient units, added inside the square root as ε² (see <see cref="QAdam"/>); values below one
    /// gradient LSB act as one LSB.
    /// </summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay λ in [0, 1) (AdamW: w −= lr · λ · w at every update); Adam only.</summary>
    public double WeightDecay { get; init; }
}
