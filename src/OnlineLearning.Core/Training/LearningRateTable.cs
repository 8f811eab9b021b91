using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Training;

/// <summary>
/// The integer learning rates every optimiser keeps in its arena, one per parameter, and the two host-side ways a
/// schedule changes them (between steps; the step path reads only the integers).
/// </summary>
internal static class LearningRateTable
{
    /// <summary>Each rate becomes its initial value times factor (≥ 0): warm-up and cosine schedules.</summary>
    public static void SetFactor(Span<long> rates, ReadOnlySpan<long> initial, double factor)
    {
        if (!(factor >= 0 && factor <= 1e6))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be in [0, 1e6].");
        }

        for (int p = 0; p < rates.Length; p++)
        {
            rates[p] = QFormat.Quantize(initial[p] * factor, 0, 0, long.MaxValue);
        }
    }

    /// <summary>Each current rate is multiplied by factor in (0, 1] (a decay).</summary>
    public static void Scale(Span<long> rates, double factor)
    {
        if (!(factor > 0 && factor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be in (0, 1].");
        }

        for (int p = 0; p < rates.Length; p++)
        {
            rates[p] = QFormat.Quantize(rates[p] * factor, 0, 0, long.MaxValue);
        }
    }
}
