namespace OnlineLearning.Numerics.Kernels;

/// <summary>Scalar bodies of the backward-pass kernels: the specification.</summary>
public partial class ScalarKernels
{
    protected override void TransposedMatVecAccumulateCore(ReadOnlySpan<short> w, int rows, int cols, ReadOnlySpan<int> x, Span<long> acc) =>
        Scalar.TransposedMatVecAccumulate(w, rows, cols, 0, x, acc);

    protected override void OuterProductRowCore(int u, ReadOnlySpan<short> v, int shift, Span<int> g) => Scalar.OuterProductRow(u, v, shift, g);
}

/// <summary>Scalar loops of the backward-pass kernels, also the SIMD backends' tails.</summary>
internal static partial class Scalar
{
    public static void OuterProductRow(int u, ReadOnlySpan<short> v, int shift, Span<int> g)
    {
        long d = u;
        for (int j = 0; j < g.Length; j++)
        {
            g[j] = QMath.SaturateToInt32(g[j] + QMath.ShiftRightRound(d * v[j], shift));
        }
    }

    /// <summary>acc[j] += Σ_i w[i, firstColumn + j] · x[i] for the columns firstColumn .. firstColumn + acc.Length − 1, row by row.</summary>
    public static void TransposedMatVecAccumulate(ReadOnlySpan<short> w, int rows, int cols, int firstColumn, ReadOnlySpan<int> x, Span<long> acc)
    {
        for (int i = 0; i < rows; i++)
        {
            long xi = x[i];
            ReadOnlySpan<short> row = w.Slice((i * cols) + firstColumn, acc.Length);
            for (int j = 0; j < acc.Length; j++)
            {
                acc[j] = unchecked(acc[j] + (row[j] * xi));
            }
        }
    }
}
