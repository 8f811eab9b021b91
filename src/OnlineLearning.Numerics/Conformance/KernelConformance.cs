using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Conformance;

/// <summary>One kernel's conformance check: runs it on the specification and on a candidate backend.</summary>
/// <param name="Kernel">The kernel's name, as in <see cref="QKernels"/>.</param>
/// <param name="Check">Returns null when the two agree bit for bit, or a description of the first difference.</param>
public sealed record ConformanceCase(string Kernel, Func<QKernels, QKernels, TestVectors, int, InputPattern, int, string?> Check);

/// <summary>The outcome of running the suite on one backend.</summary>
public sealed record ConformanceReport(Backend Backend, int Passed, int Failed, IReadOnlyList<string> Failures);

/// <summary>
/// Bit-exactness checks of every kernel against the scalar specification: every length from 0 to
/// <see cref="MaxLength"/> plus a few long ones, random, edge-value and small inputs from a fixed seed,
/// and slices starting 0 to 3 elements into their arrays. NUnit runs these cases one by one, and
/// <c>olrt selftest</c> runs them inside the NativeAOT binary, which is how the NEON bodies get tested.
/// </summary>
public static partial class KernelConformance
{
    /// <summary>Every length up to this one is tried, which covers every tail of every vector width.</summary>
    public const int MaxLength = 67;

    /// <summary>Lengths beyond the tails: several whole 256-bit blocks plus remainders.</summary>
    public static IReadOnlyList<int> LongLengths { get; } = [128, 255, 1000];

    public static IReadOnlyList<InputPattern> Patterns { get; } = [InputPattern.Random, InputPattern.Extremes, InputPattern.Small];

    public static IReadOnlyList<ConformanceCase> Cases { get; } =
    [
        new("Add(int16)", (s, c, r, n, p, o) => Binary16(s, c, r, n, p, o, static (k, x, y, d) => k.Add(x, y, d))),
        new("Subtract(int16)", (s, c, r, n, p, o) => Binary16(s, c, r, n, p, o, static (k, x, y, d) => k.Subtract(x, y, d))),
        new("Add(int32)", (s, c, r, n, p, o) => Binary32(s, c, r, n, p, o, static (k, x, y, d) => k.Add(x, y, d))),
        new("Subtract(int32)", (s, c, r, n, p, o) => Binary32(s, c, r, n, p, o, static (k, x, y, d) => k.Subtract(x, y, d))),
        new("ScaleQ15", ScaleQ15),
        new("Clamp", Clamp),
        new("NarrowRound", NarrowRound),
        new("Dot", (s, c, r, n, p, o) => Reduce(s, c, r, n, p, o, static (k, x, y) => k.Dot(x, y))),
        new("DotInt32", (s, c, r, n, p, o) => Reduce(s, c, r, n, p, o, static (k, x, y) => k.DotInt32(x, y))),
        new("MatVec", MatVec),
        new("SpikeAccumulate", SpikeAccumulate),
        new("TraceUpdate", TraceUpdate),
        new("TraceUpdateAccumulate", TraceUpdateAccumulate),
        new("Rank1UpdateStochastic", Rank1Stochastic),
        new("Rank1UpdateNearest", Rank1Nearest),
        new("ComplexMultiplyAccumulate", ComplexMac),
        new("Threshold", Threshold),
        new("ComplexDiagonalRecurrence", ComplexRecurrence),
        new("ComplexTraceUpdate", ComplexTrace),
        new("ComplexTraceUpdateAccumulate", ComplexTraceAccumulate),
        new("TransposedMatVecAccumulate", TransposedMatVec),
        new("ConjugateOuterAccumulate", ConjugateOuter),
        new("OuterProductAccumulate", OuterProduct),
        new("SgdUpdate(int16)", (s, c, r, n, p, o) => SgdUpdate(s, c, r, n, p, o, wide: false)),
        new("SgdUpdate(int32)", (s, c, r, n, p, o) => SgdUpdate(s, c, r, n, p, o, wide: true)),
        new("TraceUpdateSgdRow", TraceUpdateSgdRow),
    ];

    /// <summary>All lengths the suite tries.</summary>
    public static IEnumerable<int> Lengths() => Enumerable.Range(0, MaxLength + 1).Concat(LongLengths);

    /// <summary>Runs one case over every length, pattern and offset. Returns the failures (empty when it conforms).</summary>
    public static List<string> RunCase(ConformanceCase testCase, QKernels candidate, ulong seed = 20261123)
    {
        QKernels spec = Backends.Get(Backend.Scalar);
        var rng = new TestVectors(seed);
        var failures = new List<string>();
        foreach (int n in Lengths())
        {
            foreach (InputPattern pattern in Patterns)
            {
                int offset = n % 4;
                string? failure = testCase.Check(spec, candidate, rng, n, pattern, offset);
                if (failure is not null)
                {
                    failures.Add($"{testCase.Kernel} on {Backends.Name(candidate.Backend)}, length {n}, {pattern}, offset {offset}: {failure}");
                }
            }
        }

        return failures;
    }

    /// <summary>Runs every case on one backend, writing one line per kernel to <paramref name="log"/>.</summary>
    public static ConformanceReport Run(QKernels candidate, TextWriter? log = null)
    {
        int passed = 0, failed = 0;
        var failures = new List<string>();
        foreach (ConformanceCase testCase in Cases)
        {
            List<string> caseFailures = RunCase(testCase, candidate);
            if (caseFailures.Count == 0)
            {
                passed++;
            }
            else
            {
                failed++;
                failures.AddRange(caseFailures);
            }

            log?.WriteLine($"  {(caseFailures.Count == 0 ? "pass" : "FAIL")}  {Backends.Name(candidate.Backend),-9} {testCase.Kernel}" +
                (caseFailures.Count == 0 ? string.Empty : $"  ({caseFailures.Count} mismatches; first: {caseFailures[0]})"));
        }

        return new ConformanceReport(candidate.Backend, passed, failed, failures);
    }

    private static string? Binary16(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o, Action<QKernels, ReadOnlySpan<short>, ReadOnlySpan<short>, Span<short>> op) =>
        Binary(s, c, n, o, r.Shorts(n, p), r.Shorts(n, p), op);

    private static string? Binary32(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o, Action<QKernels, ReadOnlySpan<int>, ReadOnlySpan<int>, Span<int>> op) =>
        Binary(s, c, n, o, r.Ints(n, p), r.Ints(n, p), op);

    /// <summary>Runs an elementwise binary kernel on the specification and the candidate, candidate spans unaligned.</summary>
    private static string? Binary<T>(QKernels s, QKernels c, int n, int o, T[] xs, T[] ys, Action<QKernels, ReadOnlySpan<T>, ReadOnlySpan<T>, Span<T>> op)
        where T : struct, IEquatable<T>
    {
        Memory<T> x = TestVectors.Unaligned(xs, o), y = TestVectors.Unaligned(ys, o);
        T[] expected = new T[n];
        Memory<T> actual = TestVectors.Unaligned(new T[n], o);
        op(s, x.Span, y.Span, expected);
        op(c, x.Span, y.Span, actual.Span);
        return Compare<T>(expected, actual.Span);
    }

    private static string? ScaleQ15(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        Memory<short> x = TestVectors.Unaligned(r.Shorts(n, p), o);
        short scale = r.Shorts(1, p)[0];
        short[] expected = new short[n];
        Memory<short> actual = TestVectors.Unaligned(new short[n], o);
        s.ScaleQ15(x.Span, scale, expected);
        c.ScaleQ15(x.Span, scale, actual.Span);
        return Compare<short>(expected, actual.Span);
    }

    private static string? Clamp(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        Memory<short> x = TestVectors.Unaligned(r.Shorts(n, p), o);
        short a = (short)r.Next(short.MinValue, short.MaxValue + 1), b = (short)r.Next(short.MinValue, short.MaxValue + 1);
        short lo = Math.Min(a, b), hi = Math.Max(a, b);
        short[] expected = new short[n];
        Memory<short> actual = TestVectors.Unaligned(new short[n], o);
        s.Clamp(x.Span, lo, hi, expected);
        c.Clamp(x.Span, lo, hi, actual.Span);
        return Compare<short>(expected, actual.Span);
    }

    private static string? NarrowRound(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        Memory<int> x = TestVectors.Unaligned(r.Ints(n, p), o);
        int shift = n % 32;
        short[] expected = new short[n];
        Memory<short> actual = TestVectors.Unaligned(new short[n], o);
        s.NarrowRound(x.Span, shift, expected);
        c.NarrowRound(x.Span, shift, actual.Span);
        return Compare<short>(expected, actual.Span) is { } diff ? $"shift {shift}: {diff}" : null;
    }

    private static string? Reduce<T>(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o, Func<QKernels, ReadOnlySpan<short>, ReadOnlySpan<short>, T> op)
        where T : IEquatable<T>
    {
        Memory<short> x = TestVectors.Unaligned(r.Shorts(n, p), o), y = TestVectors.Unaligned(r.Shorts(n, p), o);
        T expected = op(s, x.Span, y.Span), actual = op(c, x.Span, y.Span);
        return expected.Equals(actual) ? null : $"expected {expected}, got {actual}";
    }

    private static string? MatVec(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 5), shift = n % 40;
        Memory<short> w = TestVectors.Unaligned(r.Shorts(rows * n, p), o), x = TestVectors.Unaligned(r.Shorts(n, p), o);
        int[] expected = new int[rows];
        Memory<int> actual = TestVectors.Unaligned(new int[rows], o);
        s.MatVec(w.Span, rows, n, x.Span, shift, expected);
        c.MatVec(w.Span, rows, n, x.Span, shift, actual.Span);
        return Compare<int>(expected, actual.Span);
    }

    private static string? SpikeAccumulate(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int inputs = 1 + (n % 7);
        Memory<short> w = TestVectors.Unaligned(r.Shorts(inputs * n, p), o);
        byte[] spikes = r.Spikes(inputs);
        int[] start = r.Ints(n, InputPattern.Small);
        int[] expected = (int[])start.Clone();
        Memory<int> actual = TestVectors.Unaligned(start, o);
        s.SpikeAccumulate(w.Span, n, spikes, expected);
        c.SpikeAccumulate(w.Span, n, spikes, actual.Span);
        return Compare<int>(expected, actual.Span);
    }

    private static string? TraceUpdate(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3);
        short[] e0 = r.Shorts(rows * n, p);
        short[] a = r.Shorts(rows, p), x = r.Shorts(n, p);
        short[] expected = (short[])e0.Clone();
        Memory<short> actual = TestVectors.Unaligned(e0, o);
        s.TraceUpdate(expected, rows, n, a, x);
        c.TraceUpdate(actual.Span, rows, n, a, TestVectors.Unaligned(x, o).Span);
        return Compare<short>(expected, actual.Span);
    }

    private static string? TraceUpdateAccumulate(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), shift = n % 32;
        short[] e0 = r.Shorts(rows * n, p), a = r.Shorts(rows, p), x = r.Shorts(n, p), cc = r.Shorts(rows, p);
        int[] g0 = r.Ints(rows * n, p);
        short[] eExpected = (short[])e0.Clone();
        int[] gExpected = (int[])g0.Clone();
        Memory<short> eActual = TestVectors.Unaligned(e0, o);
        Memory<int> gActual = TestVectors.Unaligned(g0, o);
        s.TraceUpdateAccumulate(eExpected, rows, n, a, x, cc, shift, gExpected);
        c.TraceUpdateAccumulate(eActual.Span, rows, n, a, x, cc, shift, gActual.Span);
        return Compare<short>(eExpected, eActual.Span) ?? Compare<int>(gExpected, gActual.Span);
    }

    private static string? Rank1Stochastic(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), shift = 1 + (n % 30);
        short[] w0 = r.Shorts(rows * n, p), u = r.Shorts(rows, p), v = r.Shorts(n, p);
        uint[] lanesExpected = new uint[StochasticRounding.Lanes];
        StochasticRounding.Seed(lanesExpected, (ulong)n + 1);
        uint[] lanesActual = (uint[])lanesExpected.Clone();
        short[] expected = (short[])w0.Clone();
        Memory<short> actual = TestVectors.Unaligned(w0, o);
        // Two calls, so the second starts from lane states the first one advanced.
        for (int call = 0; call < 2; call++)
        {
            s.Rank1UpdateStochastic(expected, rows, n, u, v, shift, lanesExpected);
            c.Rank1UpdateStochastic(actual.Span, rows, n, u, v, shift, lanesActual);
        }

        return Compare<short>(expected, actual.Span) ?? (Compare<uint>(lanesExpected, lanesActual) is { } d ? $"generator lanes: {d}" : null);
    }

    private static string? Rank1Nearest(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), shift = n % 31;
        short[] w0 = r.Shorts(rows * n, p), u = r.Shorts(rows, p), v = r.Shorts(n, p);
        short[] expected = (short[])w0.Clone();
        Memory<short> actual = TestVectors.Unaligned(w0, o);
        s.Rank1UpdateNearest(expected, rows, n, u, v, shift);
        c.Rank1UpdateNearest(actual.Span, rows, n, u, v, shift);
        return Compare<short>(expected, actual.Span);
    }

    private static string? ComplexMac(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        short[] ar = r.Shorts(n, p), ai = r.Shorts(n, p), br = r.Shorts(n, p), bi = r.Shorts(n, p);
        int[] re0 = r.Ints(n, p), im0 = r.Ints(n, p);
        int[] reExpected = (int[])re0.Clone(), imExpected = (int[])im0.Clone();
        Memory<int> reActual = TestVectors.Unaligned(re0, o), imActual = TestVectors.Unaligned(im0, (o + 1) % 4);
        s.ComplexMultiplyAccumulate(ar, ai, br, bi, reExpected, imExpected);
        c.ComplexMultiplyAccumulate(TestVectors.Unaligned(ar, o).Span, ai, br, bi, reActual.Span, imActual.Span);
        return Compare<int>(reExpected, reActual.Span) ?? Compare<int>(imExpected, imActual.Span);
    }

    private static string? Threshold(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        Memory<short> v = TestVectors.Unaligned(r.Shorts(n, p), o), theta = TestVectors.Unaligned(r.Shorts(n, p), o);
        byte[] expected = new byte[n];
        Memory<byte> actual = TestVectors.Unaligned(new byte[n], o);
        s.Threshold(v.Span, theta.Span, expected);
        c.Threshold(v.Span, theta.Span, actual.Span);
        return Compare<byte>(expected, actual.Span);
    }

    private static string? Compare<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual)
        where T : IEquatable<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                return $"element {i}: expected {expected[i]}, got {actual[i]}";
            }
        }

        return null;
    }
}
