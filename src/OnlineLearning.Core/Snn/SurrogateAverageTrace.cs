using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// ḡ_t = Σ κ^(t−τ) h'_τ / Σ κ^(t−τ): seed 002 3.1's running average of the surrogate, normalised by its weights (as
/// the reference does) so that κ = 0 gives h'_t. Kept by OTPE-family layers whose receiver leaks.
/// </summary>
internal sealed class SurrogateAverageTrace
{
    private readonly short _kappa;
    private readonly ArenaTensor _sum;      // int32 Q15: Σ κ^(t−τ) h'_τ
    private readonly ArenaTensor _weight;   // int32 Q15: Σ κ^(t−τ), one value
    private readonly ArenaTensor _average;  // ḡ, Q15

    public SurrogateAverageTrace(ArenaPlan plan, string prefix, int size, short kappa)
    {
        _kappa = kappa;
        _sum = plan.Add(prefix + ".g_sum", TensorRole.RuleTrace, ArenaElement.Int32, 15, size);
        _weight = plan.Add(prefix + ".g_weight", TensorRole.RuleTrace, ArenaElement.Int32, 15, 1);
        _average = plan.Add(prefix + ".g_bar", TensorRole.RuleTrace, ArenaElement.Int16, 15, size);
    }

    /// <summary>ḡ as of the last <see cref="Update"/>.</summary>
    public ReadOnlySpan<short> Average(Arena arena) => arena.Int16(_average);

    public void Reset(Arena arena)
    {
        arena.Clear(_sum);
        arena.Clear(_weight);
        arena.Clear(_average);
    }

    public void Update(Arena arena, ReadOnlySpan<short> h)
    {
        Span<int> sum = arena.Int32(_sum);
        Span<short> average = arena.Int16(_average);
        ref int weight = ref arena.Int32(_weight)[0];
        int w = QMath.AddSat(QMath.MulShiftRound(weight, _kappa, 15), 1 << 15);
        weight = w;
        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] = QMath.AddSat(QMath.MulShiftRound(sum[i], _kappa, 15), h[i]);
            average[i] = QMath.SaturateToInt16((((long)sum[i] << 15) + (w >> 1)) / w);
        }
    }
}
