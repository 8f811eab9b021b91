namespace OnlineLearning.Core.Training;

/// <summary>SGD settings, converted to fixed point once when the optimiser is built.</summary>
public sealed record SgdOptions
{
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Heavy-ball momentum μ in [0, 1); 0 disables the velocity tensor.</summary>
    public double Momentum { get; init; }

    /// <summary>Seed of the stochastic-rounding generator lanes.</summary>
    public ulong Seed { get; init; } = 1;
}
