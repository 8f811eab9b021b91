using BenchmarkDotNet.Attributes;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Benchmarks;

/// <summary>
/// Every public <see cref="QKernels"/> kernel, for each backend this CPU supports and three sizes.
/// </summary>
/// <remarks>
/// <para>
/// Vector kernels work on <see cref="Size"/> elements. Matrix kernels (MatVec, SpikeAccumulate, TraceUpdate,
/// TraceUpdateAccumulate, Rank1UpdateStochastic, Rank1UpdateNearest, ComplexTraceUpdate(Accumulate), SgdUpdate; marked with the <see cref="MatrixCategory"/>
/// category) work on a <see cref="Rows"/> x <see cref="Size"/> matrix: Size is the column count and the
/// row count is fixed at 16. For SpikeAccumulate "columns" are the inputs (Size of them, about a quarter spiking)
/// and each spike adds a contiguous column of 16 weights.
/// </para>
/// <para>
/// Buffers are filled once in <see cref="Setup"/> from a fixed seed, so every backend sees the same data; the
/// benchmark methods allocate nothing. Kernels that accumulate into their output (the rank-1 updates,
/// TraceUpdateAccumulate, ComplexMultiplyAccumulate) run as a pair: once with the operands and once with
/// the negated ones, so the state random-walks around its start instead of drifting into saturation (which
/// would make the scalar branches unrealistically predictable). Those methods report per kernel call
/// (<c>OperationsPerInvoke = 2</c>). TraceUpdate settles at its fixed point x / (1 - a) well inside int16.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    /// <summary>Fixed row count of the matrix kernels; <see cref="Size"/> is their column count.</summary>
    public const int Rows = 16;

    /// <summary>Category carried by the matrix kernels (the report labels their size as Rows x Size).</summary>
    public const string MatrixCategory = "matrix";

    private const int Seed = 20240611;
    private const int MatVecShift = 15;
    private const int NarrowShift = 8;
    private const int TraceShift = 15;
    private const int Rank1StochasticShift = 20;
    private const int Rank1NearestShift = 20;
    private const int LambdaShift = 30;
    private const double SpikeProbability = 0.25;

    private QKernels kernels = null!;

    // Vector operands (Size elements).
    private short[] x16 = [];
    private short[] y16 = [];
    private short[] dst16 = [];
    private int[] x32 = [];
    private int[] y32 = [];
    private int[] dst32 = [];
    private short[] theta = [];
    private byte[] spikesOut = [];

    // Complex multiply-accumulate planes (Size elements).
    private short[] aRe = [];
    private short[] aIm = [];
    private short[] bRe = [];
    private short[] bIm = [];
    private short[] bReNeg = [];
    private short[] bImNeg = [];
    private int[] accRe = [];
    private int[] accIm = [];

    // Matrix operands (Rows x Size).
    private short[] w = [];
    private short[] wColumns = [];
    private short[] trace = [];
    private int[] grad = [];
    private short[] xCols = [];
    private byte[] spikesIn = [];
    private short[] decay = [];
    private short[] c = [];
    private short[] cNeg = [];
    private short[] u = [];
    private short[] uNeg = [];
    private int[] yRows = [];
    private int[] accRows = [];
    private uint[] rngLanes = [];

    // Complex recurrence operands: a diagonal of Size eigenvalues (|λ| ≈ 0.97 in Q30), Rows x Size traces.
    private int[] lambdaRe = [];
    private int[] lambdaIm = [];
    private int[] stateRe = [];
    private int[] stateIm = [];
    private int[] inRe = [];
    private int[] inIm = [];
    private int[] rowLambdaRe = [];
    private int[] rowLambdaIm = [];
    private int[] rowScale = [];
    private int[] rowG = [];
    private int[] rowGNeg = [];
    private int[] eRe = [];
    private int[] eIm = [];
    private int[] gradRe = [];
    private int[] gradIm = [];

    // Backward operands: int32 errors per row, int64 column sums.
    private int[] rowErrors = [];
    private int[] rowErrorsNeg = [];
    private long[] columnSums = [];

    // Optimiser operands: Rows x Size gradients, velocities, masters and int16 values.
    private int[] sgdGrad = [];
    private int[] sgdVelocity = [];
    private int[] sgdMaster = [];
    private short[] sgdValues = [];

    /// <summary>The backend under test; only those this CPU supports.</summary>
    [ParamsSource(nameof(SupportedBackends))]
    public Backend Backend { get; set; }

    /// <summary>Element count of vector kernels; column count of matrix kernels.</summary>
    [Params(64, 256, 1024)]
    public int Size { get; set; }

    /// <summary>Backends this CPU can run, scalar first.</summary>
    public static IEnumerable<Backend> SupportedBackends() => Backends.All.Where(Backends.IsSupported);

    [GlobalSetup]
    public void Setup()
    {
        kernels = Backends.Get(Backend);
        var rng = new Random(Seed);
        int n = Size;
        int m = Rows * Size;

        x16 = Fill(rng, n, short.MinValue, short.MaxValue);
        y16 = Fill(rng, n, short.MinValue, short.MaxValue);
        dst16 = new short[n];
        x32 = FillInt(rng, n);
        y32 = FillInt(rng, n);
        dst32 = new int[n];
        theta = Fill(rng, n, short.MinValue, short.MaxValue);
        spikesOut = new byte[n];

        aRe = Fill(rng, n, short.MinValue + 1, short.MaxValue);
        aIm = Fill(rng, n, short.MinValue + 1, short.MaxValue);
        bRe = Fill(rng, n, short.MinValue + 1, short.MaxValue);
        bIm = Fill(rng, n, short.MinValue + 1, short.MaxValue);
        bReNeg = Negate(bRe);
        bImNeg = Negate(bIm);
        accRe = new int[n];
        accIm = new int[n];

        w = Fill(rng, m, short.MinValue, short.MaxValue);
        wColumns = Fill(rng, m, short.MinValue, short.MaxValue);
        xCols = Fill(rng, n, -1000, 1000);
        spikesIn = new byte[n];
        for (int j = 0; j < n; j++)
        {
            spikesIn[j] = rng.NextDouble() < SpikeProbability ? (byte)1 : (byte)0;
        }

        // Decays in [0.25, 0.9) in Q15: the trace fixed point |x| / (1 - a) stays below 10,000.
        decay = Fill(rng, Rows, 8192, 29491);
        trace = Fill(rng, m, -1000, 1000);
        grad = new int[m];
        c = Fill(rng, Rows, short.MinValue + 1, short.MaxValue);
        cNeg = Negate(c);
        u = Fill(rng, Rows, short.MinValue + 1, short.MaxValue);
        uNeg = Negate(u);
        yRows = new int[Rows];
        accRows = new int[Rows];
        rngLanes = new uint[QKernels.RngLanes];
        StochasticRounding.Seed(rngLanes, Seed);

        lambdaRe = new int[n];
        lambdaIm = new int[n];
        for (int i = 0; i < n; i++)
        {
            double angle = rng.NextDouble() * Math.PI;
            lambdaRe[i] = (int)(0.97 * Math.Cos(angle) * (1 << LambdaShift));
            lambdaIm[i] = (int)(0.97 * Math.Sin(angle) * (1 << LambdaShift));
        }

        stateRe = FillInt(rng, n, 1 << 24);
        stateIm = FillInt(rng, n, 1 << 24);
        inRe = FillInt(rng, n, 1 << 24);
        inIm = FillInt(rng, n, 1 << 24);
        rowLambdaRe = lambdaRe[..Math.Min(Rows, n)];
        rowLambdaIm = lambdaIm[..Math.Min(Rows, n)];
        rowScale = FillInt(rng, Rows, 1 << 28);
        rowG = FillInt(rng, Rows, 1 << 24);
        rowGNeg = Array.ConvertAll(rowG, v => -v);
        eRe = FillInt(rng, m, 1 << 20);
        eIm = FillInt(rng, m, 1 << 20);
        gradRe = new int[m];
        gradIm = new int[m];

        rowErrors = FillInt(rng, Rows, 1 << 24);
        rowErrorsNeg = Array.ConvertAll(rowErrors, v => -v);
        columnSums = new long[n];

        sgdGrad = FillInt(rng, m, 1 << 20);
        sgdVelocity = FillInt(rng, m, 1 << 20);
        sgdMaster = FillInt(rng, m, 1 << 26);
        sgdValues = new short[m];
    }

    [Benchmark]
    public void Add_Int16() => kernels.Add(x16, y16, dst16);

    [Benchmark]
    public void Subtract_Int16() => kernels.Subtract(x16, y16, dst16);

    [Benchmark]
    public void Add_Int32() => kernels.Add(x32, y32, dst32);

    [Benchmark]
    public void Subtract_Int32() => kernels.Subtract(x32, y32, dst32);

    [Benchmark]
    public void ScaleQ15() => kernels.ScaleQ15(x16, 23170, dst16);

    [Benchmark]
    public void Clamp() => kernels.Clamp(x16, -12000, 12000, dst16);

    [Benchmark]
    public void NarrowRound() => kernels.NarrowRound(x32, NarrowShift, dst16);

    [Benchmark]
    public long Dot() => kernels.Dot(x16, y16);

    [Benchmark]
    public int DotInt32() => kernels.DotInt32(x16, y16);

    [Benchmark]
    public void Threshold() => kernels.Threshold(x16, theta, spikesOut);

    [Benchmark(OperationsPerInvoke = 2)]
    public void ComplexMultiplyAccumulate()
    {
        kernels.ComplexMultiplyAccumulate(aRe, aIm, bRe, bIm, accRe, accIm);
        kernels.ComplexMultiplyAccumulate(aRe, aIm, bReNeg, bImNeg, accRe, accIm);
    }

    [Benchmark]
    [BenchmarkCategory(MatrixCategory)]
    public void MatVec() => kernels.MatVec(w, Rows, Size, xCols, MatVecShift, yRows);

    [Benchmark]
    [BenchmarkCategory(MatrixCategory)]
    public void SpikeAccumulate() => kernels.SpikeAccumulate(wColumns, Rows, spikesIn, accRows);

    [Benchmark]
    [BenchmarkCategory(MatrixCategory)]
    public void TraceUpdate() => kernels.TraceUpdate(trace, Rows, Size, decay, xCols);

    [Benchmark(OperationsPerInvoke = 2)]
    [BenchmarkCategory(MatrixCategory)]
    public void TraceUpdateAccumulate()
    {
        kernels.TraceUpdateAccumulate(trace, Rows, Size, decay, xCols, c, TraceShift, grad);
        kernels.TraceUpdateAccumulate(trace, Rows, Size, decay, xCols, cNeg, TraceShift, grad);
    }

    [Benchmark(OperationsPerInvoke = 2)]
    [BenchmarkCategory(MatrixCategory)]
    public void Rank1UpdateStochastic()
    {
        kernels.Rank1UpdateStochastic(w, Rows, Size, u, xCols, Rank1StochasticShift, rngLanes);
        kernels.Rank1UpdateStochastic(w, Rows, Size, uNeg, xCols, Rank1StochasticShift, rngLanes);
    }

    [Benchmark(OperationsPerInvoke = 2)]
    [BenchmarkCategory(MatrixCategory)]
    public void Rank1UpdateNearest()
    {
        kernels.Rank1UpdateNearest(w, Rows, Size, u, xCols, Rank1NearestShift);
        kernels.Rank1UpdateNearest(w, Rows, Size, uNeg, xCols, Rank1NearestShift);
    }

    [Benchmark]
    public void ComplexDiagonalRecurrence() =>
        kernels.ComplexDiagonalRecurrence(lambdaRe, lambdaIm, LambdaShift, stateRe, stateIm, inRe, inIm, 4);

    [Benchmark]
    [BenchmarkCategory(MatrixCategory)]
    public void ComplexTraceUpdate() =>
        kernels.ComplexTraceUpdate(eRe, eIm, Rows, Size, rowLambdaRe, rowLambdaIm, LambdaShift, rowScale, xCols, 16);

    [Benchmark(OperationsPerInvoke = 2)]
    [BenchmarkCategory(MatrixCategory)]
    public void ComplexTraceUpdateAccumulate()
    {
        kernels.ComplexTraceUpdateAccumulate(eRe, eIm, Rows, Size, rowLambdaRe, rowLambdaIm, LambdaShift, rowScale, xCols, 16, rowG, rowG, 20, gradRe, gradIm);
        kernels.ComplexTraceUpdateAccumulate(eRe, eIm, Rows, Size, rowLambdaRe, rowLambdaIm, LambdaShift, rowScale, xCols, 16, rowGNeg, rowGNeg, 20, gradRe, gradIm);
    }

    /// <summary>Wᵀ δ for a Rows x Size int16 matrix and int32 errors, into int64 sums (they only grow; int64 does not wrap in a run).</summary>
    [Benchmark]
    [BenchmarkCategory(MatrixCategory)]
    public void TransposedMatVecAccumulate() => kernels.TransposedMatVecAccumulate(w, Rows, Size, rowErrors, columnSums);

    [Benchmark(OperationsPerInvoke = 2)]
    [BenchmarkCategory(MatrixCategory)]
    public void OuterProductAccumulate()
    {
        kernels.OuterProductAccumulate(rowErrors, xCols, 15, gradRe);
        kernels.OuterProductAccumulate(rowErrorsNeg, xCols, 15, gradRe);
    }

    [Benchmark(OperationsPerInvoke = 2)]
    [BenchmarkCategory(MatrixCategory)]
    public void ConjugateOuterAccumulate()
    {
        kernels.ConjugateOuterAccumulate(rowG, default, stateRe, stateIm, 24, gradRe, gradIm);
        kernels.ConjugateOuterAccumulate(rowGNeg, default, stateRe, stateIm, 24, gradRe, gradIm);
    }

    /// <summary>
    /// The fused optimiser step over Rows x Size parameters with momentum. The kernel clears the gradients, so
    /// after the first call it runs on zeros; its work does not depend on the values.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory(MatrixCategory)]
    public void SgdUpdate() =>
        kernels.SgdUpdate(sgdGrad, sgdVelocity, 16384, sgdMaster, 1 << 28, 24, sgdValues, 12, rngLanes);

    private static int[] FillInt(Random rng, int length, int magnitude)
    {
        var a = new int[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = rng.Next(-magnitude, magnitude);
        }

        return a;
    }

    private static short[] Fill(Random rng, int length, int minInclusive, int maxInclusive)
    {
        var a = new short[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (short)rng.Next(minInclusive, maxInclusive + 1);
        }

        return a;
    }

    private static int[] FillInt(Random rng, int length)
    {
        var a = new int[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (int)(uint)rng.NextInt64(0, 1L << 32);
        }

        return a;
    }

    private static short[] Negate(short[] a) => Array.ConvertAll(a, v => (short)-v);
}
