using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// NEON bodies of the complex recurrence kernels, four elements per iteration. arm64 has no int64 vector
/// multiply, so the portable bodies' int64 products fall back to scalar code; every product here is
/// int32 × int32 and SMULL/SMULL2 give it exactly. SRSHL by −s is the specification's rounding shift
/// (exact: the rounding constant is added at full precision), SQXTN/SQXTN2 narrow with saturation, and the
/// saturated lanes are those whose narrowed value, widened back, differs (CMEQ, summed once per call).
/// </summary>
public sealed partial class NeonKernels
{
    protected override int ComplexDiagonalRecurrenceCore(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift)
    {
        Vector128<long> s = Vector128.Create(-(long)lambdaShift);
        Vector128<int> su = Vector128.Create(-uShift);
        Vector128<long> unsaturated = Vector128<long>.Zero;
        int i = 0;
        for (; i <= hRe.Length - 4; i += 4)
        {
            Vector128<int> lr = Load128(lambdaRe, i), li = Load128(lambdaIm, i), hr = Load128(hRe, i), hi = Load128(hIm, i);
            Vector128<int> ur = AdvSimd.ShiftArithmeticRounded(Load128(uRe, i), su), ui = AdvSimd.ShiftArithmeticRounded(Load128(uIm, i), su);
            Vector128<long> reLo = AdvSimd.AddWideningLower(MulRoundLower(lr, hr, s) - MulRoundLower(li, hi, s), ur.GetLower());
            Vector128<long> reHi = AdvSimd.AddWideningUpper(MulRoundUpper(lr, hr, s) - MulRoundUpper(li, hi, s), ur);
            Vector128<long> imLo = AdvSimd.AddWideningLower(MulRoundLower(lr, hi, s) + MulRoundLower(li, hr, s), ui.GetLower());
            Vector128<long> imHi = AdvSimd.AddWideningUpper(MulRoundUpper(lr, hi, s) + MulRoundUpper(li, hr, s), ui);
            unsaturated += StoreNarrow(reLo, reHi, hRe, i) + StoreNarrow(imLo, imHi, hIm, i);
        }

        return Saturated(i, unsaturated) + Scalar.ComplexDiagonalRecurrence(
            lambdaRe[i..], lambdaIm[i..], lambdaShift, hRe[i..], hIm[i..], uRe[i..], uIm[i..], uShift);
    }

    protected override int ComplexTraceRowCore(
        Span<int> eRe, Span<int> eIm, int lambdaRe, int lambdaIm, int lambdaShift, int scale, ReadOnlySpan<short> x, int xShift)
    {
        Vector128<long> s = Vector128.Create(-(long)lambdaShift), sx = Vector128.Create(-(long)xShift);
        Vector128<int> lr = Vector128.Create(lambdaRe), li = Vector128.Create(lambdaIm), sc = Vector128.Create(scale);
        Vector128<long> unsaturated = Vector128<long>.Zero;
        int j = 0;
        for (; j <= eRe.Length - 4; j += 4)
        {
            Vector128<int> er = Load128(eRe, j), ei = Load128(eIm, j);
            Vector128<int> xj = AdvSimd.SignExtendWideningLower(Vector64.CreateScalarUnsafe(LoadFour(x, j)).AsInt16());
            Vector128<long> reLo = MulRoundLower(lr, er, s) - MulRoundLower(li, ei, s) + MulRoundLower(sc, xj, sx);
            Vector128<long> reHi = MulRoundUpper(lr, er, s) - MulRoundUpper(li, ei, s) + MulRoundUpper(sc, xj, sx);
            Vector128<long> imLo = MulRoundLower(lr, ei, s) + MulRoundLower(li, er, s);
            Vector128<long> imHi = MulRoundUpper(lr, ei, s) + MulRoundUpper(li, er, s);
            unsaturated += StoreNarrow(reLo, reHi, eRe, j) + StoreNarrow(imLo, imHi, eIm, j);
        }

        return Saturated(j, unsaturated) + Scalar.ComplexTraceRow(eRe[j..], eIm[j..], lambdaRe, lambdaIm, lambdaShift, scale, x[j..], xShift);
    }

    protected override int ConjugateAccumulateRowCore(
        ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int gRe, int gIm, int gShift, Span<int> accRe, Span<int> accIm)
    {
        Vector128<long> s = Vector128.Create(-(long)gShift);
        Vector128<int> gr = Vector128.Create(gRe), gi = Vector128.Create(gIm);
        Vector128<long> unsaturated = Vector128<long>.Zero;
        int j = 0;
        for (; j <= accRe.Length - 4; j += 4)
        {
            Vector128<int> er = Load128(eRe, j), ei = Load128(eIm, j), ar = Load128(accRe, j), ai = Load128(accIm, j);
            Vector128<long> reLo = AdvSimd.AddWideningLower(MulRoundLower(gr, er, s) + MulRoundLower(gi, ei, s), ar.GetLower());
            Vector128<long> reHi = AdvSimd.AddWideningUpper(MulRoundUpper(gr, er, s) + MulRoundUpper(gi, ei, s), ar);
            Vector128<long> imLo = AdvSimd.AddWideningLower(MulRoundLower(gi, er, s) - MulRoundLower(gr, ei, s), ai.GetLower());
            Vector128<long> imHi = AdvSimd.AddWideningUpper(MulRoundUpper(gi, er, s) - MulRoundUpper(gr, ei, s), ai);
            unsaturated += StoreNarrow(reLo, reHi, accRe, j) + StoreNarrow(imLo, imHi, accIm, j);
        }

        return Saturated(j, unsaturated) + Scalar.ConjugateAccumulateRow(eRe[j..], eIm[j..], gRe, gIm, gShift, accRe[j..], accIm[j..]);
    }

    /// <summary>round(a · b / 2^s) of lanes 0-1 (SMULL, then SRSHL by the negative count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> MulRoundLower(Vector128<int> a, Vector128<int> b, Vector128<long> negativeShift) =>
        AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningLower(a.GetLower(), b.GetLower()), negativeShift);

    /// <summary>round(a · b / 2^s) of lanes 2-3 (SMULL2, then SRSHL).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> MulRoundUpper(Vector128<int> a, Vector128<int> b, Vector128<long> negativeShift) =>
        AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(a, b), negativeShift);

    /// <summary>Narrows with saturation (SQXTN, SQXTN2), stores, and returns −1 in each int64 lane of the pair that did not saturate (summed per half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> StoreNarrow(Vector128<long> lo, Vector128<long> hi, Span<int> dst, int i)
    {
        Vector128<int> narrow = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lo), hi);
        Store128(narrow, dst, i);
        return Vector128.Equals(AdvSimd.SignExtendWideningLower(narrow.GetLower()), lo)
            + Vector128.Equals(AdvSimd.SignExtendWideningUpper(narrow), hi);
    }

    /// <summary>Saturated outputs of the vector body: two planes of <paramref name="elements"/> outputs, minus the unsaturated ones (counted as −1 each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Saturated(int elements, Vector128<long> unsaturated) => (int)((2L * elements) + Vector128.Sum(unsaturated));
}
