using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Conformance;

/// <summary>
/// Measures the bytes each kernel allocates on the calling thread, on buffers allocated beforehand.
/// Every figure must be zero. Used by the tests and by <c>olrt selftest</c> inside the NativeAOT binary.
/// </summary>
public static class KernelAllocations
{
    /// <summary>Runs every kernel <paramref name="repeats"/> times after a warm-up call and returns the bytes allocated per kernel.</summary>
    public static IReadOnlyList<(string Kernel, long Bytes)> Measure(QKernels k, int length = 67, int repeats = 100)
    {
        var b = new Buffers(length);
        var results = new List<(string, long)>();
        foreach ((string name, Action<QKernels, Buffers> run) in Runs)
        {
            run(k, b);   // warm-up: JIT, type initialisers
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < repeats; i++)
            {
                run(k, b);
            }

            results.Add((name, GC.GetAllocatedBytesForCurrentThread() - before));
        }

        return results;
    }

    private static readonly (string, Action<QKernels, Buffers>)[] Runs =
    [
        ("Add(int16)", static (k, b) => k.Add(b.X, b.Y, b.Dst)),
        ("Subtract(int16)", static (k, b) => k.Subtract(b.X, b.Y, b.Dst)),
        ("Add(int32)", static (k, b) => k.Add(b.I, b.J, b.IDst)),
        ("Subtract(int32)", static (k, b) => k.Subtract(b.I, b.J, b.IDst)),
        ("ScaleQ15", static (k, b) => k.ScaleQ15(b.X, 12345, b.Dst)),
        ("Clamp", static (k, b) => k.Clamp(b.X, -1000, 1000, b.Dst)),
        ("NarrowRound", static (k, b) => k.NarrowRound(b.I, 7, b.Dst)),
        ("Dot", static (k, b) => b.Sink += k.Dot(b.X, b.Y)),
        ("DotInt32", static (k, b) => b.Sink += k.DotInt32(b.X, b.Y)),
        ("MatVec", static (k, b) => k.MatVec(b.M, Buffers.Rows, b.N, b.X, 10, b.RowsOut)),
        ("SpikeAccumulate", static (k, b) => k.SpikeAccumulate(b.M, b.N, b.Spikes, b.IDst)),
        ("TraceUpdate", static (k, b) => k.TraceUpdate(b.E, Buffers.Rows, b.N, b.Decay, b.X)),
        ("TraceUpdateAccumulate", static (k, b) => k.TraceUpdateAccumulate(b.E, Buffers.Rows, b.N, b.Decay, b.X, b.Decay, 12, b.G)),
        ("Rank1UpdateStochastic", static (k, b) => k.Rank1UpdateStochastic(b.E, Buffers.Rows, b.N, b.Decay, b.X, 20, b.Lanes)),
        ("Rank1UpdateNearest", static (k, b) => k.Rank1UpdateNearest(b.E, Buffers.Rows, b.N, b.Decay, b.X, 20)),
        ("ComplexMultiplyAccumulate", static (k, b) => k.ComplexMultiplyAccumulate(b.X, b.Y, b.Y, b.X, b.IDst, b.J)),
        ("Threshold", static (k, b) => k.Threshold(b.X, b.Y, b.SpikesOut)),
        ("ComplexDiagonalRecurrence", static (k, b) => b.Sink += k.ComplexDiagonalRecurrence(b.I, b.J, 30, b.IDst, b.K, b.I, b.J, 4)),
        ("ComplexTraceUpdate", static (k, b) => b.Sink += k.ComplexTraceUpdate(b.G, b.G2, Buffers.Rows, b.N, b.RowsI, b.RowsI, 30, b.RowsI, b.X, 12)),
        ("ComplexTraceUpdateAccumulate", static (k, b) => b.Sink += k.ComplexTraceUpdateAccumulate(
            b.G, b.G2, Buffers.Rows, b.N, b.RowsI, b.RowsI, 30, b.RowsI, b.X, 12, b.RowsI, b.RowsI, 20, b.G3, b.G4)),
        ("TransposedMatVecAccumulate", static (k, b) => k.TransposedMatVecAccumulate(b.M, Buffers.Rows, b.N, b.RowsI, b.Wide)),
        ("ConjugateOuterAccumulate", static (k, b) => b.Sink += k.ConjugateOuterAccumulate(b.RowsI, b.RowsI, b.I, b.J, 20, b.G, b.G2)),
        ("OuterProductAccumulate", static (k, b) => k.OuterProductAccumulate(b.RowsI, b.X, 15, b.G)),
        ("SgdUpdate(int16)", static (k, b) => b.Sink += k.SgdUpdate(b.IDst, b.K, 16384, b.J, 1 << 28, 24, b.Dst, 12, b.Lanes).ValueSaturations),
        ("SgdUpdate(int32)", static (k, b) => b.Sink += k.SgdUpdate(b.IDst, default, 0, b.J, 1 << 28, 24, b.IDst2, 0, b.Lanes).ValueSaturations),
        ("TraceUpdateSgdRow", static (k, b) => b.Sink += k.TraceUpdateSgdRow(
            b.E.AsSpan(0, b.N), 30000, b.X, 12345, 12, b.K, 16384, b.J, 1 << 28, 24, b.Dst, 12, b.Lanes, 5, b.IDst).ValueSaturations),
    ];

    private sealed class Buffers
    {
        public const int Rows = 4;

        public Buffers(int n)
        {
            var r = new TestVectors(7);
            N = n;
            X = r.Shorts(n, InputPattern.Random);
            Y = r.Shorts(n, InputPattern.Random);
            Dst = new short[n];
            I = r.Ints(n, InputPattern.Small);
            J = r.Ints(n, InputPattern.Small);
            IDst = new int[n];
            M = r.Shorts(Rows * n, InputPattern.Random);
            E = r.Shorts(Rows * n, InputPattern.Small);
            G = new int[Rows * n];
            G2 = new int[Rows * n];
            G3 = new int[Rows * n];
            G4 = new int[Rows * n];
            K = new int[n];
            IDst2 = new int[n];
            Wide = new long[n];
            RowsI = r.Ints(Rows, InputPattern.Small);
            Decay = r.Shorts(Rows, InputPattern.Random);
            RowsOut = new int[Rows];
            Spikes = r.Spikes(Rows);
            SpikesOut = new byte[n];
            StochasticRounding.Seed(Lanes, 1);
        }

        public int N { get; }

        public short[] X { get; }

        public short[] Y { get; }

        public short[] Dst { get; }

        public int[] I { get; }

        public int[] J { get; }

        public int[] IDst { get; }

        public short[] M { get; }

        public short[] E { get; }

        public int[] G { get; }

        public int[] G2 { get; }

        public int[] G3 { get; }

        public int[] G4 { get; }

        public int[] K { get; }

        public int[] IDst2 { get; }

        public long[] Wide { get; }

        public int[] RowsI { get; }

        public short[] Decay { get; }

        public int[] RowsOut { get; }

        public byte[] Spikes { get; }

        public byte[] SpikesOut { get; }

        public uint[] Lanes { get; } = new uint[StochasticRounding.Lanes];

        public long Sink { get; set; }
    }
}
