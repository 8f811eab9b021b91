using OnlineLearning.Core.Memory;

namespace OnlineLearning.Core.Training;

/// <summary>
/// What the network contract needs from an optimiser. All of its state (rates, moments, generator lanes) is in the
/// arena; <see cref="Apply"/> is integer-only and allocates nothing.
/// </summary>
public interface IOptimizer
{
    /// <summary>The parameters this optimiser updates.</summary>
    IReadOnlyList<QParameter> Parameters { get; }

    /// <summary>Writes the initial state into a freshly allocated arena (not on the step path).</summary>
    void Initialise(Arena arena);

    /// <summary>Applies every accumulated gradient and zeroes the accumulators.</summary>
    void Apply(Arena arena);

    /// <summary>Sets every learning rate to its configured value times factor (schedules; host side).</summary>
    void SetLearningRateFactor(Arena arena, double factor);

    /// <summary>Multiplies every current learning rate by factor in (0, 1] (host side).</summary>
    void ScaleLearningRates(Arena arena, double factor);
}
