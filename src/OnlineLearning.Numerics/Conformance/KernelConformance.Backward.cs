using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Conformance;

/// <summary>Conformance checks of the backward-pass kernels.</summary>
public static partial class KernelConformance
{
    private static string? TransposedMatVec(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 7);
        short[] w = r.Shorts(rows * n, p);
        int[] x = r.Ints(rows, p), high = r.Ints(n, p), low = r.Ints(n, p);
        long[] acc0 = new long[n];
        for (int j = 0; j < n; j++)
        {
            // Start sums anywhere in int64, edges included (int.MinValue << 32 is long.MinValue), so wrapping is exercised.
            acc0[j] = ((long)high[j] << 32) | (uint)low[j];
        }

        long[] expected = (long[])acc0.Clone();
        Memory<long> actual = TestVectors.Unaligned(acc0, o);
        s.TransposedMatVecAccumulate(w, rows, n, x, expected);
        c.TransposedMatVecAccumulate(TestVectors.Unaligned(w, (o + 1) % 4).Span, rows, n, x, actual.Span);
        return Compare<long>(expected, actual.Span);
    }

    private static string? OuterProduct(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 4), shift = (n * 3) % 63;
        int[] u = r.Ints(rows, p), g0 = r.Ints(rows * n, p);
        short[] v = r.Shorts(n, p);
        int[] expected = (int[])g0.Clone();
        Memory<int> actual = TestVectors.Unaligned(g0, o);
        s.OuterProductAccumulate(u, v, shift, expected);
        c.OuterProductAccumulate(u, TestVectors.Unaligned(v, (o + 1) % 4).Span, shift, actual.Span);
        return Compare<int>(expected, actual.Span);
    }

    private static string? ConjugateOuter(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), shift = 1 + ((n * 5) % 62);
        int[] gr = r.Ints(rows, p), gi = n % 2 == 0 ? r.Ints(rows, p) : [], er = r.Ints(n, p), ei = r.Ints(n, p);
        int[] ar0 = r.Ints(rows * n, p), ai0 = r.Ints(rows * n, p);
        int[] arE = (int[])ar0.Clone(), aiE = (int[])ai0.Clone();
        Memory<int> arA = TestVectors.Unaligned(ar0, o), aiA = TestVectors.Unaligned(ai0, (o + 1) % 4);
        int satExpected = s.ConjugateOuterAccumulate(gr, gi, er, ei, shift, arE, aiE);
        int satActual = c.ConjugateOuterAccumulate(gr, gi, TestVectors.Unaligned(er, (o + 2) % 4).Span, ei, shift, arA.Span, aiA.Span);
        return Compare<int>(arE, arA.Span) ?? Compare<int>(aiE, aiA.Span)
            ?? (satExpected == satActual ? null : $"saturation count: expected {satExpected}, got {satActual}");
    }
}
