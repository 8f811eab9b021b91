namespace OnlineLearning.Numerics.Kernels;

/// <summary>Scalar body of the fused optimiser update: the specification.</summary>
public partial class ScalarKernels
{
    protected override SgdCounts SgdUpdateCore(in SgdArgs args, Span<short> values16, Span<int> values32) =>
        Scalar.SgdUpdate(args, values16, values32, 0);
}

/// <summary>The fused optimiser update, element by element; also the SIMD backends' tail.</summary>
internal static partial class Scalar
{
    /// <param name="firstIndex">Index of element 0 of the spans in the whole parameter, which picks the generator lanes.</param>
    public static SgdCounts SgdUpdate(in QKernels.SgdArgs a, Span<short> values16, Span<int> values32, int firstIndex)
    {
        Span<int> g = a.Gradient, v = a.Velocity, master = a.Master;
        Span<uint> lanes = a.RngLanes;
        bool momentum = !v.IsEmpty, wide = values16.IsEmpty;
        int extremes = 0, saturations = 0;
        for (int i = 0; i < g.Length; i++)
        {
            int gi = g[i];
            extremes += gi is int.MaxValue or int.MinValue ? 1 : 0;
            int step = gi;
            if (momentum)
            {
                step = QMath.AddSat(QMath.MulShiftRound(v[i], a.MomentumQ15, 15), gi);
                v[i] = step;
            }

            uint draw = StochasticRounding.Next(ref lanes[(firstIndex + i) % StochasticRounding.Lanes]);
            long delta = ((step * a.LearningRateQ) + StochasticRounding.Offset(draw, a.RoundingShift)) >> a.RoundingShift;
            int m = QMath.SaturateToInt32(master[i] - delta);
            master[i] = m;
            int value = QMath.ShiftRightRound(m, a.ValueShift);
            if (wide)
            {
                values32[i] = value;
            }
            else
            {
                saturations += value is > short.MaxValue or < short.MinValue ? 1 : 0;
                values16[i] = QMath.SaturateToInt16(value);
            }

            g[i] = 0;
        }

        return new SgdCounts(saturations, extremes);
    }
}
