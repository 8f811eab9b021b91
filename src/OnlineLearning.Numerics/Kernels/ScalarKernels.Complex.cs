using System.Runtime.CompilerServices;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>Scalar bodies of the complex recurrence kernels: the specification.</summary>
public partial class ScalarKernels
{
    protected override int ComplexDiagonalRecurrenceCore(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift) =>
        Scalar.ComplexDiagonalRecurrence(lambdaRe, lambdaIm, lambdaShift, hRe, hIm, uRe, uIm, uShift);

    protected override int ComplexTraceRowCore(
        Span<int> eRe, Span<int> eIm, int lambdaRe, int lambdaIm, int lambdaShift, int scale, ReadOnlySpan<short> x, int xShift) =>
        Scalar.ComplexTraceRow(eRe, eIm, lambdaRe, lambdaIm, lambdaShift, scale, x, xShift);

    protected override int ConjugateAccumulateRowCore(
        ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int gRe, int gIm, int gShift, Span<int> accRe, Span<int> accIm) =>
        Scalar.ConjugateAccumulateRow(eRe, eIm, gRe, gIm, gShift, accRe, accIm);
}

/// <summary>Scalar loops of the complex kernels, also the SIMD backends' tails.</summary>
internal static partial class Scalar
{
    public static int ComplexDiagonalRecurrence(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int s,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift)
    {
        int saturated = 0;
        for (int i = 0; i < hRe.Length; i++)
        {
            long lr = lambdaRe[i], li = lambdaIm[i], hr = hRe[i], hi = hIm[i];
            long re = MulRound(lr, hr, s) - MulRound(li, hi, s) + QMath.ShiftRightRound(uRe[i], uShift);
            long im = MulRound(lr, hi, s) + MulRound(li, hr, s) + QMath.ShiftRightRound(uIm[i], uShift);
            hRe[i] = Saturate(re, ref saturated);
            hIm[i] = Saturate(im, ref saturated);
        }

        return saturated;
    }

    public static int ComplexTraceRow(
        Span<int> eRe, Span<int> eIm, int lambdaRe, int lambdaIm, int s, int scale, ReadOnlySpan<short> x, int xShift)
    {
        int saturated = 0;
        for (int j = 0; j < eRe.Length; j++)
        {
            long er = eRe[j], ei = eIm[j];
            long re = MulRound(lambdaRe, er, s) - MulRound(lambdaIm, ei, s) + MulRound(scale, x[j], xShift);
            long im = MulRound(lambdaRe, ei, s) + MulRound(lambdaIm, er, s);
            eRe[j] = Saturate(re, ref saturated);
            eIm[j] = Saturate(im, ref saturated);
        }

        return saturated;
    }

    public static int ConjugateAccumulateRow(
        ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int gRe, int gIm, int s, Span<int> accRe, Span<int> accIm)
    {
        int saturated = 0;
        if (gIm == 0)
        {
            // A real g (the LRU readout gradient): the gIm terms are R(0) = 0, so only two products remain.
            for (int j = 0; j < accRe.Length; j++)
            {
                accRe[j] = Saturate(accRe[j] + MulRound(gRe, eRe[j], s), ref saturated);
                accIm[j] = Saturate(accIm[j] - MulRound(gRe, eIm[j], s), ref saturated);
            }

            return saturated;
        }

        for (int j = 0; j < accRe.Length; j++)
        {
            long er = eRe[j], ei = eIm[j];
            long re = accRe[j] + MulRound(gRe, er, s) + MulRound(gIm, ei, s);
            long im = accIm[j] + MulRound(gIm, er, s) - MulRound(gRe, ei, s);
            accRe[j] = Saturate(re, ref saturated);
            accIm[j] = Saturate(im, ref saturated);
        }

        return saturated;
    }

    /// <summary>round(a * b / 2^s) for int32-range a and b: the product is exact in int64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulRound(long a, long b, int s) => QMath.ShiftRightRound(a * b, s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Saturate(long x, ref int saturated)
    {
        int y = QMath.SaturateToInt32(x);
        saturated += y == x ? 0 : 1;
        return y;
    }
}
