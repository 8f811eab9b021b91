using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Conformance;

/// <summary>
/// Conformance of the fused trace row and SGD step. The expectation is not the scalar fused row but the unfused
/// specification it replaces: the scalar trace pass over the whole matrix into a zero accumulator, then one scalar
/// SgdUpdate over the whole parameter. The candidate updates the same matrix row by row (firstIndex = row · cols), so
/// rows whose first element is not on lane 0 are covered whenever cols is not a multiple of 16.
/// </summary>
public static partial class KernelConformance
{
    private static string? TraceUpdateSgdRow(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), shift = n % 32;
        bool momentum = n % 3 == 2;
        short mu = (short)r.Next(0, 32768);
        long lr = SgdLearningRates[(n + (int)p) % SgdLearningRates.Length];
        int roundingShift = n % 4 == 0 ? 24 : 1 + (n % 31);
        int valueShift = n % 5 == 0 ? 12 : n % 32;
        short[] e0 = r.Shorts(rows * n, p), a = r.Shorts(rows, p), x = r.Shorts(n, p), cc = r.Shorts(rows, p);
        int[] v0 = momentum ? r.Ints(rows * n, p) : [], m0 = r.Ints(rows * n, p);
        uint[] lanesExpected = new uint[StochasticRounding.Lanes];
        StochasticRounding.Seed(lanesExpected, r.NextUInt64());
        uint[] lanesActual = (uint[])lanesExpected.Clone();

        short[] eE = (short[])e0.Clone(), valuesE = new short[rows * n];
        int[] vE = (int[])v0.Clone(), mE = (int[])m0.Clone(), g = new int[rows * n];
        s.TraceUpdateAccumulate(eE, rows, n, a, x, cc, shift, g);
        SgdCounts expected = s.SgdUpdate(g, vE, mu, mE, lr, roundingShift, valuesE, valueShift, lanesExpected);

        Memory<short> eA = TestVectors.Unaligned(e0, o), valuesA = TestVectors.Unaligned(new short[rows * n], (o + 1) % 4);
        Memory<int> vA = TestVectors.Unaligned(v0, (o + 2) % 4), mA = TestVectors.Unaligned(m0, (o + 3) % 4);
        Memory<int> scratch = TestVectors.Unaligned(new int[n], o);   // zero on entry, as the kernel requires
        SgdCounts actual = default;
        for (int i = 0; i < rows; i++)
        {
            Span<int> velocity = momentum ? vA.Span.Slice(i * n, n) : default;
            SgdCounts row = c.TraceUpdateSgdRow(
                eA.Span.Slice(i * n, n), a[i], x, cc[i], shift, velocity, mu, mA.Span.Slice(i * n, n), lr, roundingShift,
                valuesA.Span.Slice(i * n, n), valueShift, lanesActual, i * n, scratch.Span);
            actual = new SgdCounts(actual.ValueSaturations + row.ValueSaturations, actual.GradientExtremes + row.GradientExtremes);
        }

        string context = $" (rows {rows}, lr {lr}, μ {mu}, momentum {momentum}, shifts {shift}/{roundingShift}/{valueShift})";
        string? failure = (Compare<short>(eE, eA.Span) is { } de ? $"traces: {de}" : null)
            ?? (Compare<short>(valuesE, valuesA.Span) is { } dv ? $"values: {dv}" : null)
            ?? (Compare<int>(mE, mA.Span) is { } dm ? $"masters: {dm}" : null)
            ?? (Compare<int>(vE, vA.Span) is { } dvel ? $"velocity: {dvel}" : null)
            ?? (Compare<int>(new int[n], scratch.Span) is { } ds ? $"scratch not left zero: {ds}" : null)
            ?? (Compare<uint>(lanesExpected, lanesActual) is { } dl ? $"generator lanes: {dl}" : null)
            ?? (expected == actual ? null : $"counts: expected {expected}, got {actual}");
        return failure is null ? null : failure + context;
    }
}
