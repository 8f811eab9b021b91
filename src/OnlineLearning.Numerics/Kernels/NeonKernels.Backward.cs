using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>NEON body of the transposed product.</summary>
public sealed partial class NeonKernels
{
    /// <summary>
    /// Eight columns at a time: their int64 sums stay in four registers while the rows stream past; each row
    /// widens w[i, j..j+7] to int32 (SXTL, SXTL2) and multiply-accumulates it by x[i] into int64 (SMLAL, SMLAL2).
    /// </summary>
    protected override void TransposedMatVecAccumulateCore(ReadOnlySpan<short> w, int rows, int cols, ReadOnlySpan<int> x, Span<long> acc)
    {
        int j = 0;
        for (; j <= cols - 8; j += 8)
        {
            Vector128<long> a0 = Load128(acc, j), a1 = Load128(acc, j + 2), a2 = Load128(acc, j + 4), a3 = Load128(acc, j + 6);
            for (int i = 0; i < rows; i++)
            {
                Vector128<short> wi = Load128(w, (i * cols) + j);
                Vector128<int> lo = AdvSimd.SignExtendWideningLower(wi.GetLower()), hi = AdvSimd.SignExtendWideningUpper(wi);
                Vector128<int> xi = Vector128.Create(x[i]);
                a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, lo.GetLower(), xi.GetLower());
                a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, lo, xi);
                a2 = AdvSimd.MultiplyWideningLowerAndAdd(a2, hi.GetLower(), xi.GetLower());
                a3 = AdvSimd.MultiplyWideningUpperAndAdd(a3, hi, xi);
            }

            Store128(a0, acc, j);
            Store128(a1, acc, j + 2);
            Store128(a2, acc, j + 4);
            Store128(a3, acc, j + 6);
        }

        Scalar.TransposedMatVecAccumulate(w, rows, cols, j, x, acc[j..]);
    }

    /// <summary>Eight columns at a time: SXTL/SXTL2, SMULL/SMULL2 by u, SRSHL by −shift, SADDW with g, SQXTN/SQXTN2.</summary>
    protected override void OuterProductRowCore(int u, ReadOnlySpan<short> v, int shift, Span<int> g)
    {
        Vector128<int> vu = Vector128.Create(u);
        Vector128<long> count = Vector128.Create(-(long)shift);
        int j = 0;
        for (; j <= g.Length - 8; j += 8)
        {
            Vector128<short> vj = Load128(v, j);
            Vector128<int> lo = AdvSimd.SignExtendWideningLower(vj.GetLower()), hi = AdvSimd.SignExtendWideningUpper(vj);
            Vector128<int> g0 = Load128(g, j), g1 = Load128(g, j + 4);
            Vector128<long> s0 = AdvSimd.AddWideningLower(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningLower(lo.GetLower(), vu.GetLower()), count), g0.GetLower());
            Vector128<long> s1 = AdvSimd.AddWideningUpper(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(lo, vu), count), g0);
            Vector128<long> s2 = AdvSimd.AddWideningLower(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningLower(hi.GetLower(), vu.GetLower()), count), g1.GetLower());
            Vector128<long> s3 = AdvSimd.AddWideningUpper(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(hi, vu), count), g1);
            Store128(AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(s0), s1), g, j);
            Store128(AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(s2), s3), g, j + 4);
        }

        Scalar.OuterProductRow(u, v[j..], shift, g[j..]);
    }
}
