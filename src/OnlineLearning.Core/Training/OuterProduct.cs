using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Training;

/// <summary>
/// Row-wise compositions of <see cref="QKernels.TraceUpdateAccumulate"/> used by layers: with a zero decay the
/// kernel copies x into a scratch row and adds round(c · x / 2^shift) to an int32 row, an "axpy". From it come
/// the outer-product gradient G += u ⊗ v and the transposed product Wᵀ u, with no kernel of their own.
/// </summary>
public static class OuterProduct
{
    /// <summary>g[i, j] = sat32(g[i, j] + round(u[i] · v[j] / 2^shift)). scratch has v's length.</summary>
    public static void Accumulate(QKernels kernels, ReadOnlySpan<short> u, ReadOnlySpan<short> v, int shift, Span<int> g, Span<short> scratch)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        int cols = v.Length;
        Shapes.Matrix(g.Length, u.Length, cols);
        ReadOnlySpan<short> zero = [0];
        for (int i = 0; i < u.Length; i++)
        {
            if (u[i] != 0)
            {
                kernels.TraceUpdateAccumulate(scratch, 1, cols, zero, v, u.Slice(i, 1), shift, g.Slice(i * cols, cols));
            }
        }
    }

    /// <summary>
    /// acc[j] = Σ_i round(w[i, j] · u[i] / 2^shift) (saturating int32; acc is cleared first): Wᵀ u for a row-major
    /// [u.Length][acc.Length] matrix. scratch has acc's length.
    /// </summary>
    public static void TransposedProduct(
        QKernels kernels, ReadOnlySpan<short> w, ReadOnlySpan<short> u, int shift, Span<int> acc, Span<short> scratch)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        int cols = acc.Length;
        Shapes.Matrix(w.Length, u.Length, cols);
        acc.Clear();
        ReadOnlySpan<short> zero = [0];
        for (int i = 0; i < u.Length; i++)
        {
            if (u[i] != 0)
            {
                kernels.TraceUpdateAccumulate(scratch, 1, cols, zero, w.Slice(i * cols, cols), u.Slice(i, 1), shift, acc);
            }
        }
    }
}
