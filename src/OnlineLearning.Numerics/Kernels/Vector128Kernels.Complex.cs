using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// Portable bodies of the complex recurrence kernels: four int32 lanes at a time, widened to two int64
/// halves so every product is exact, rounded per product as the specification does, narrowed with
/// saturation, and the saturated lanes counted by comparing the narrowed values with the wide ones.
/// </summary>
public partial class Vector128Kernels
{
    protected override int ComplexDiagonalRecurrenceCore(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift)
    {
        int saturated = 0, i = 0;
        for (; i <= hRe.Length - 4; i += 4)
        {
            (Vector128<long> lrLo, Vector128<long> lrHi) = Vector128.Widen(Load128(lambdaRe, i));
            (Vector128<long> liLo, Vector128<long> liHi) = Vector128.Widen(Load128(lambdaIm, i));
            (Vector128<long> hrLo, Vector128<long> hrHi) = Vector128.Widen(Load128(hRe, i));
            (Vector128<long> hiLo, Vector128<long> hiHi) = Vector128.Widen(Load128(hIm, i));
            (Vector128<long> urLo, Vector128<long> urHi) = Vector128.Widen(ShiftRightRound(Load128(uRe, i), uShift));
            (Vector128<long> uiLo, Vector128<long> uiHi) = Vector128.Widen(ShiftRightRound(Load128(uIm, i), uShift));
            Vector128<long> reLo = MulRound64(lrLo, hrLo, lambdaShift) - MulRound64(liLo, hiLo, lambdaShift) + urLo;
            Vector128<long> reHi = MulRound64(lrHi, hrHi, lambdaShift) - MulRound64(liHi, hiHi, lambdaShift) + urHi;
            Vector128<long> imLo = MulRound64(lrLo, hiLo, lambdaShift) + MulRound64(liLo, hrLo, lambdaShift) + uiLo;
            Vector128<long> imHi = MulRound64(lrHi, hiHi, lambdaShift) + MulRound64(liHi, hrHi, lambdaShift) + uiHi;
            saturated += StoreSaturated(reLo, reHi, hRe, i) + StoreSaturated(imLo, imHi, hIm, i);
        }

        return saturated + Scalar.ComplexDiagonalRecurrence(
            lambdaRe[i..], lambdaIm[i..], lambdaShift, hRe[i..], hIm[i..], uRe[i..], uIm[i..], uShift);
    }

    protected override int ComplexTraceRowCore(
        Span<int> eRe, Span<int> eIm, int lambdaRe, int lambdaIm, int lambdaShift, int scale, ReadOnlySpan<short> x, int xShift)
    {
        Vector128<long> lr = Vector128.Create((long)lambdaRe), li = Vector128.Create((long)lambdaIm), sc = Vector128.Create((long)scale);
        int saturated = 0, j = 0;
        for (; j <= eRe.Length - 4; j += 4)
        {
            (Vector128<long> erLo, Vector128<long> erHi) = Vector128.Widen(Load128(eRe, j));
            (Vector128<long> eiLo, Vector128<long> eiHi) = Vector128.Widen(Load128(eIm, j));
            (Vector128<long> xLo, Vector128<long> xHi) = Vector128.Widen(Vector128.WidenLower(Vector128.CreateScalarUnsafe(LoadFour(x, j)).AsInt16()));
            Vector128<long> reLo = MulRound64(lr, erLo, lambdaShift) - MulRound64(li, eiLo, lambdaShift) + MulRound64(sc, xLo, xShift);
            Vector128<long> reHi = MulRound64(lr, erHi, lambdaShift) - MulRound64(li, eiHi, lambdaShift) + MulRound64(sc, xHi, xShift);
            Vector128<long> imLo = MulRound64(lr, eiLo, lambdaShift) + MulRound64(li, erLo, lambdaShift);
            Vector128<long> imHi = MulRound64(lr, eiHi, lambdaShift) + MulRound64(li, erHi, lambdaShift);
            saturated += StoreSaturated(reLo, reHi, eRe, j) + StoreSaturated(imLo, imHi, eIm, j);
        }

        return saturated + Scalar.ComplexTraceRow(eRe[j..], eIm[j..], lambdaRe, lambdaIm, lambdaShift, scale, x[j..], xShift);
    }

    protected override int ConjugateAccumulateRowCore(
        ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int gRe, int gIm, int gShift, Span<int> accRe, Span<int> accIm)
    {
        Vector128<long> gr = Vector128.Create((long)gRe), gi = Vector128.Create((long)gIm);
        int saturated = 0, j = 0;
        for (; j <= accRe.Length - 4; j += 4)
        {
            (Vector128<long> erLo, Vector128<long> erHi) = Vector128.Widen(Load128(eRe, j));
            (Vector128<long> eiLo, Vector128<long> eiHi) = Vector128.Widen(Load128(eIm, j));
            (Vector128<long> arLo, Vector128<long> arHi) = Vector128.Widen(Load128(accRe, j));
            (Vector128<long> aiLo, Vector128<long> aiHi) = Vector128.Widen(Load128(accIm, j));
            Vector128<long> reLo = arLo + MulRound64(gr, erLo, gShift) + MulRound64(gi, eiLo, gShift);
            Vector128<long> reHi = arHi + MulRound64(gr, erHi, gShift) + MulRound64(gi, eiHi, gShift);
            Vector128<long> imLo = aiLo + MulRound64(gi, erLo, gShift) - MulRound64(gr, eiLo, gShift);
            Vector128<long> imHi = aiHi + MulRound64(gi, erHi, gShift) - MulRound64(gr, eiHi, gShift);
            saturated += StoreSaturated(reLo, reHi, accRe, j) + StoreSaturated(imLo, imHi, accIm, j);
        }

        return saturated + Scalar.ConjugateAccumulateRow(eRe[j..], eIm[j..], gRe, gIm, gShift, accRe[j..], accIm[j..]);
    }

    /// <summary>Vector form of <see cref="Scalar.MulRound"/>: exact int64 product, rounded shift (0 to 62).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> MulRound64(Vector128<long> a, Vector128<long> b, int shift)
    {
        Vector128<long> p = a * b;
        return shift == 0 ? p : Vector128.ShiftRightArithmetic(p, shift) + (Vector128.ShiftRightArithmetic(p, shift - 1) & Vector128<long>.One);
    }

    /// <summary>Narrows two int64 halves to int32 with saturation, stores them, and returns how many lanes saturated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StoreSaturated(Vector128<long> lo, Vector128<long> hi, Span<int> dst, int i)
    {
        Vector128<int> narrow = Vector128.NarrowWithSaturation(lo, hi);
        Store128(narrow, dst, i);
        (Vector128<long> backLo, Vector128<long> backHi) = Vector128.Widen(narrow);
        uint changed = (~Vector128.Equals(backLo, lo)).ExtractMostSignificantBits() | ((~Vector128.Equals(backHi, hi)).ExtractMostSignificantBits() << 2);
        return BitOperations.PopCount(changed);
    }
}
