namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// Complex diagonal recurrences on split int32 planes, for linear recurrent units (seed 004 Eq. 1, 12-14).
/// Every product is exact in int64 and rounded on its own with <see cref="QMath.ShiftRightRound(long, int)"/>
/// (ties toward +infinity); the rounded terms are summed in int64 and saturated once to int32.
/// Rounding each product separately keeps every intermediate inside int64 even for int.MinValue inputs,
/// which a single rounding of the sum would not. Each kernel returns how many outputs saturated.
/// </summary>
public abstract partial class QKernels
{
    /// <summary>
    /// Complex diagonal recurrence h = λ ⊙ h + u, elementwise:
    /// hRe = sat32(R(λRe·hRe) − R(λIm·hIm) + Ru(uRe)), hIm = sat32(R(λRe·hIm) + R(λIm·hRe) + Ru(uIm)),
    /// where R(p) = round(p / 2^lambdaShift) and Ru(u) = round(u / 2^uShift).
    /// With λ in Q(lambdaShift), h keeps its format, and u in Q(hFrac + uShift) is brought to it.
    /// </summary>
    /// <returns>The number of saturated outputs (real and imaginary counted separately).</returns>
    public int ComplexDiagonalRecurrence(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift)
    {
        Check.SameLength(lambdaRe.Length, lambdaIm.Length, hRe.Length);
        Check.SameLength(hRe.Length, hIm.Length, uRe.Length);
        Check.SameLength(uRe.Length, uIm.Length);
        Check.Shift(lambdaShift, 1, 62);
        Check.Shift(uShift, 0, 31);
        return ComplexDiagonalRecurrenceCore(lambdaRe, lambdaIm, lambdaShift, hRe, hIm, uRe, uIm, uShift);
    }

    /// <summary>
    /// Complex trace update over a rows x cols matrix whose rows share one decay (seed 004 Eq. 14):
    /// e[i, j] = λ[i] · e[i, j] + scale[i] · x[j], with the products rounded as in
    /// <see cref="ComplexDiagonalRecurrence"/> and R(scale[i]·x[j]) = round(scale[i]·x[j] / 2^xShift)
    /// added to the real part only.
    /// </summary>
    /// <returns>The number of saturated outputs.</returns>
    public int ComplexTraceUpdate(
        Span<int> eRe, Span<int> eIm, int rows, int cols,
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        ReadOnlySpan<int> scale, ReadOnlySpan<short> x, int xShift)
    {
        CheckTrace(eRe, eIm, rows, cols, lambdaRe, lambdaIm, lambdaShift, scale, x, xShift);
        int saturated = 0;
        for (int i = 0; i < rows; i++)
        {
            saturated += ComplexTraceRowCore(
                eRe.Slice(i * cols, cols), eIm.Slice(i * cols, cols), lambdaRe[i], lambdaIm[i], lambdaShift, scale[i], x, xShift);
        }

        return saturated;
    }

    /// <summary>
    /// <see cref="ComplexTraceUpdate"/> fused with gradient accumulation: after e is updated,
    /// acc[i, j] += g[i] · conj(e[i, j]), i.e. accRe = sat32(accRe + R(gRe·eRe) + R(gIm·eIm)) and
    /// accIm = sat32(accIm + R(gIm·eRe) − R(gRe·eIm)) with R(p) = round(p / 2^gShift).
    /// With g = ∂L/∂Re h + i ∂L/∂Im h and e = ∂h/∂B, the two planes receive ∂L/∂Re B and ∂L/∂Im B.
    /// </summary>
    /// <returns>The number of saturated outputs, traces and accumulators together.</returns>
    public int ComplexTraceUpdateAccumulate(
        Span<int> eRe, Span<int> eIm, int rows, int cols,
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        ReadOnlySpan<int> scale, ReadOnlySpan<short> x, int xShift,
        ReadOnlySpan<int> gRe, ReadOnlySpan<int> gIm, int gShift, Span<int> accRe, Span<int> accIm)
    {
        CheckTrace(eRe, eIm, rows, cols, lambdaRe, lambdaIm, lambdaShift, scale, x, xShift);
        Check.SameLength(rows, gRe.Length, gIm.Length);
        Check.SameLength(eRe.Length, accRe.Length, accIm.Length);
        Check.Shift(gShift, 1, 62);
        int saturated = 0;
        for (int i = 0; i < rows; i++)
        {
            Span<int> re = eRe.Slice(i * cols, cols), im = eIm.Slice(i * cols, cols);
            saturated += ComplexTraceRowCore(re, im, lambdaRe[i], lambdaIm[i], lambdaShift, scale[i], x, xShift);
            saturated += ConjugateAccumulateRowCore(re, im, gRe[i], gIm[i], gShift, accRe.Slice(i * cols, cols), accIm.Slice(i * cols, cols));
        }

        return saturated;
    }

    protected abstract int ComplexDiagonalRecurrenceCore(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift);

    protected abstract int ComplexTraceRowCore(
        Span<int> eRe, Span<int> eIm, int lambdaRe, int lambdaIm, int lambdaShift, int scale, ReadOnlySpan<short> x, int xShift);

    protected abstract int ConjugateAccumulateRowCore(
        ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int gRe, int gIm, int gShift, Span<int> accRe, Span<int> accIm);

    private static void CheckTrace(
        Span<int> eRe, Span<int> eIm, int rows, int cols, ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        ReadOnlySpan<int> scale, ReadOnlySpan<short> x, int xShift)
    {
        Check.Matrix(eRe.Length, rows, cols);
        Check.SameLength(eRe.Length, eIm.Length);
        Check.SameLength(rows, lambdaRe.Length, lambdaIm.Length);
        Check.SameLength(rows, scale.Length);
        Check.SameLength(cols, x.Length);
        Check.Shift(lambdaShift, 1, 62);
        Check.Shift(xShift, 0, 62);
    }
}
