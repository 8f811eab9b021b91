namespace OnlineLearning.Numerics.Kernels;

/// <summary>Backward-pass kernels: transposed products and outer-product gradient accumulation with int32 errors.</summary>
public abstract partial class QKernels
{
    /// <summary>
    /// Transposed matrix-vector product accumulated in int64: acc[j] += Σ_i w[i, j] · x[i] for a row-major
    /// rows x cols matrix w (int16) and int32 x. Every product is exact; the int64 sums wrap, so the result is
    /// the same in any order (exact while the true sums fit int64, i.e. always for fewer than 2^17 rows).
    /// The matrix is walked row by row, so the backward pass reads W in its storage order.
    /// </summary>
    public void TransposedMatVecAccumulate(ReadOnlySpan<short> w, int rows, int cols, ReadOnlySpan<int> x, Span<long> acc)
    {
        Check.Matrix(w.Length, rows, cols);
        Check.SameLength(rows, x.Length);
        Check.SameLength(cols, acc.Length);
        TransposedMatVecAccumulateCore(w, rows, cols, x, acc);
    }

    /// <summary>
    /// Complex outer-product accumulation acc[i, j] += g[i] · conj(e[j]) over a g.Length x e.Length matrix:
    /// accRe = sat32(accRe + R(gRe[i]·eRe[j]) + R(gIm[i]·eIm[j])), accIm = sat32(accIm + R(gIm[i]·eRe[j]) − R(gRe[i]·eIm[j])),
    /// with R(p) = round(p / 2^shift), exactly the accumulation step of <see cref="ComplexTraceUpdateAccumulate"/>.
    /// An empty <paramref name="gIm"/> means a real g (all imaginary parts zero).
    /// </summary>
    /// <returns>The number of saturated outputs.</returns>
    public int ConjugateOuterAccumulate(
        ReadOnlySpan<int> gRe, ReadOnlySpan<int> gIm, ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int shift, Span<int> accRe, Span<int> accIm)
    {
        int rows = gRe.Length, cols = eRe.Length;
        if (!gIm.IsEmpty)
        {
            Check.SameLength(rows, gIm.Length);
        }

        Check.SameLength(cols, eIm.Length);
        Check.Matrix(accRe.Length, rows, cols);
        Check.SameLength(accRe.Length, accIm.Length);
        Check.Shift(shift, 1, 62);
        int saturated = 0;
        for (int i = 0; i < rows; i++)
        {
            saturated += ConjugateAccumulateRowCore(
                eRe, eIm, gRe[i], gIm.IsEmpty ? 0 : gIm[i], shift, accRe.Slice(i * cols, cols), accIm.Slice(i * cols, cols));
        }

        return saturated;
    }

    /// <summary>
    /// Outer-product gradient accumulation with int32 errors: g[i, j] = sat32(g[i, j] + round(u[i] · v[j] / 2^shift))
    /// over a u.Length x v.Length row-major matrix. Each product is exact in int64 and rounded on its own
    /// (ties toward +infinity); rows with u[i] = 0 are left as they are, which is what the formula gives.
    /// </summary>
    public void OuterProductAccumulate(ReadOnlySpan<int> u, ReadOnlySpan<short> v, int shift, Span<int> g)
    {
        Check.Matrix(g.Length, u.Length, v.Length);
        Check.Shift(shift, 0, 62);
        for (int i = 0; i < u.Length; i++)
        {
            if (u[i] != 0)
            {
                OuterProductRowCore(u[i], v, shift, g.Slice(i * v.Length, v.Length));
            }
        }
    }

    /// <summary>g[j] = sat32(g[j] + round(u · v[j] / 2^shift)).</summary>
    protected abstract void OuterProductRowCore(int u, ReadOnlySpan<short> v, int shift, Span<int> g);

    protected abstract void TransposedMatVecAccumulateCore(ReadOnlySpan<short> w, int rows, int cols, ReadOnlySpan<int> x, Span<long> acc);
}
