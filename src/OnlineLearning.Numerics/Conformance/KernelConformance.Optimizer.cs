using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Conformance;

/// <summary>Conformance of the fused optimiser update: every array it writes, the generator lanes and both counts must match.</summary>
public static partial class KernelConformance
{
    /// <summary>
    /// Learning rates tried in turn: zero, tiny, the SGD default's scale (2^28 for lr = 1), the int32 extremes,
    /// a negative one, and one beyond int32, which the SIMD backends must hand to the specification.
    /// </summary>
    private static readonly long[] SgdLearningRates = [0, 1, 3, 1 << 20, 1 << 28, 268_435, int.MaxValue, int.MinValue, -12_345, 1L << 40];

    private static string? SgdUpdate(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o, bool wide)
    {
        bool momentum = n % 3 != 1;
        short mu = p == InputPattern.Extremes ? r.Shorts(1, p)[0] : (short)r.Next(0, 32768);
        long lr = SgdLearningRates[(n + (int)p) % SgdLearningRates.Length];
        int roundingShift = n % 4 == 0 ? 24 : 1 + (n % 31);
        int valueShift = n % 5 == 0 ? (wide ? 0 : 12) : n % 32;
        int[] g0 = r.Ints(n, p), v0 = momentum ? r.Ints(n, p) : [], m0 = r.Ints(n, p);
        uint[] lanesExpected = new uint[StochasticRounding.Lanes];
        StochasticRounding.Seed(lanesExpected, r.NextUInt64());
        uint[] lanesActual = (uint[])lanesExpected.Clone();

        int[] gE = (int[])g0.Clone(), vE = (int[])v0.Clone(), mE = (int[])m0.Clone();
        Memory<int> gA = TestVectors.Unaligned(g0, o), vA = TestVectors.Unaligned(v0, (o + 1) % 4), mA = TestVectors.Unaligned(m0, (o + 2) % 4);
        SgdCounts expected, actual;
        string? values;
        if (wide)
        {
            int[] valuesE = new int[n];
            Memory<int> valuesA = TestVectors.Unaligned(new int[n], (o + 3) % 4);
            expected = s.SgdUpdate(gE, vE, mu, mE, lr, roundingShift, valuesE, valueShift, lanesExpected);
            actual = c.SgdUpdate(gA.Span, vA.Span, mu, mA.Span, lr, roundingShift, valuesA.Span, valueShift, lanesActual);
            values = Compare<int>(valuesE, valuesA.Span);
        }
        else
        {
            short[] valuesE = new short[n];
            Memory<short> valuesA = TestVectors.Unaligned(new short[n], (o + 3) % 4);
            expected = s.SgdUpdate(gE, vE, mu, mE, lr, roundingShift, valuesE, valueShift, lanesExpected);
            actual = c.SgdUpdate(gA.Span, vA.Span, mu, mA.Span, lr, roundingShift, valuesA.Span, valueShift, lanesActual);
            values = Compare<short>(valuesE, valuesA.Span);
        }

        string context = $" (lr {lr}, μ {mu}, momentum {momentum}, shifts {roundingShift}/{valueShift})";
        string? failure = (values is { } dv ? $"values: {dv}" : null)
            ?? (Compare<int>(mE, mA.Span) is { } dm ? $"masters: {dm}" : null)
            ?? (Compare<int>(vE, vA.Span) is { } dvel ? $"velocity: {dvel}" : null)
            ?? (Compare<int>(gE, gA.Span) is { } dg ? $"gradient: {dg}" : null)
            ?? (Compare<uint>(lanesExpected, lanesActual) is { } dl ? $"generator lanes: {dl}" : null)
            ?? (expected == actual ? null : $"counts: expected {expected}, got {actual}");
        return failure is null ? null : failure + context;
    }
}
