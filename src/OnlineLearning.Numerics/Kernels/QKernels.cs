namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// The span kernels the layers and learning rules are built from. Each public method checks its
/// arguments once and then calls the backend's body. <see cref="ScalarKernels"/> defines what every
/// kernel returns; the SIMD backends must return the same bits. No kernel allocates.
/// </summary>
/// <remarks>
/// Matrices are row-major, <c>m[i * cols + j]</c>, unless a kernel says otherwise. Rounding and
/// saturation follow <see cref="QMath"/>: round to nearest, ties toward +infinity, then saturate.
/// </remarks>
public abstract partial class QKernels
{
    /// <summary>Number of xorshift32 lanes behind stochastic rounding; see <see cref="StochasticRounding"/>.</summary>
    public const int RngLanes = StochasticRounding.Lanes;

    /// <summary>Which backend this is.</summary>
    public abstract Backend Backend { get; }

    /// <summary>dst = sat16(x + y).</summary>
    public void Add(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        Check.SameLength(x.Length, y.Length, dst.Length);
        AddCore(x, y, dst);
    }

    /// <summary>dst = sat16(x - y).</summary>
    public void Subtract(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        Check.SameLength(x.Length, y.Length, dst.Length);
        SubtractCore(x, y, dst);
    }

    /// <summary>dst = sat32(x + y).</summary>
    public void Add(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst)
    {
        Check.SameLength(x.Length, y.Length, dst.Length);
        AddCore(x, y, dst);
    }

    /// <summary>dst = sat32(x - y).</summary>
    public void Subtract(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst)
    {
        Check.SameLength(x.Length, y.Length, dst.Length);
        SubtractCore(x, y, dst);
    }

    /// <summary>dst = <see cref="QMath.MulQ15"/>(x, scale): multiply by a Q15 factor with rounding.</summary>
    public void ScaleQ15(ReadOnlySpan<short> x, short scale, Span<short> dst)
    {
        Check.SameLength(x.Length, dst.Length);
        ScaleQ15Core(x, scale, dst);
    }

    /// <summary>dst = min(max(x, lo), hi).</summary>
    public void Clamp(ReadOnlySpan<short> x, short lo, short hi, Span<short> dst)
    {
        Check.SameLength(x.Length, dst.Length);
        if (lo > hi)
        {
            throw new ArgumentException($"Clamp bounds are inverted: lo {lo} > hi {hi}.", nameof(lo));
        }

        ClampCore(x, lo, hi, dst);
    }

    /// <summary>dst = sat16(round(x / 2^shift)): requantise int32 accumulators to int16 (NEON SQRSHRN).</summary>
    public void NarrowRound(ReadOnlySpan<int> x, int shift, Span<short> dst)
    {
        Check.SameLength(x.Length, dst.Length);
        Check.Shift(shift, 0, 31);
        NarrowRoundCore(x, shift, dst);
    }

    /// <summary>Exact dot product, summed in int64. The order of summation cannot change the result.</summary>
    public long Dot(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        Check.SameLength(x.Length, y.Length);
        return DotCore(x, y);
    }

    /// <summary>
    /// Dot product summed in int32 with wrap-around. Exact whenever every partial sum fits in int32
    /// (for example Q15 vectors of length up to 2 with arbitrary values, or any length whose true sum
    /// is bounded by the caller); otherwise the result is the true sum modulo 2^32, identically on every
    /// backend because wrapping addition does not depend on order.
    /// </summary>
    public int DotInt32(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        Check.SameLength(x.Length, y.Length);
        return DotInt32Core(x, y);
    }

    /// <summary>
    /// Dense matrix-vector product: y[i] = sat32(round(sum_j w[i, j] * x[j] / 2^shift)).
    /// With w in Qa and x in Qb, y is in Q(a + b - shift).
    /// </summary>
    public void MatVec(ReadOnlySpan<short> w, int rows, int cols, ReadOnlySpan<short> x, int shift, Span<int> y)
    {
        Check.Matrix(w.Length, rows, cols);
        Check.SameLength(cols, x.Length);
        Check.SameLength(rows, y.Length);
        Check.Shift(shift, 0, 63);
        for (int i = 0; i < rows; i++)
        {
            long sum = DotCore(w.Slice(i * cols, cols), x);
            y[i] = QMath.SaturateToInt32(QMath.ShiftRightRound(sum, shift));
        }
    }

    /// <summary>
    /// Spike-driven accumulate: for every input j with spikes[j] != 0, acc[:] += column j of the weights.
    /// The weights are stored column-major for this kernel: column j is <c>wColumns[j * rows .. (j + 1) * rows)</c>,
    /// so each spike adds one contiguous run. The int32 sums wrap; they are exact for fewer than 65,536 inputs.
    /// </summary>
    public void SpikeAccumulate(ReadOnlySpan<short> wColumns, int rows, ReadOnlySpan<byte> spikes, Span<int> acc)
    {
        Check.Matrix(wColumns.Length, spikes.Length, rows);
        Check.SameLength(rows, acc.Length);
        for (int j = 0; j < spikes.Length; j++)
        {
            if (spikes[j] != 0)
            {
                AddWidenCore(wColumns.Slice(j * rows, rows), acc);
            }
        }
    }

    /// <summary>
    /// Eligibility-trace update over a matrix: e[i, j] = sat16(MulQ15(a[i], e[i, j]) + x[j]).
    /// a holds one Q15 decay per row; x is shared by all rows.
    /// </summary>
    public void TraceUpdate(Span<short> e, int rows, int cols, ReadOnlySpan<short> a, ReadOnlySpan<short> x)
    {
        Check.Matrix(e.Length, rows, cols);
        Check.SameLength(rows, a.Length);
        Check.SameLength(cols, x.Length);
        for (int i = 0; i < rows; i++)
        {
            TraceRowCore(e.Slice(i * cols, cols), a[i], x);
        }
    }

    /// <summary>
    /// Trace update fused with gradient accumulation: first e is updated as in <see cref="TraceUpdate"/>,
    /// then g[i, j] = sat32(g[i, j] + round(c[i] * e[i, j] / 2^shift)) with the new e.
    /// </summary>
    public void TraceUpdateAccumulate(
        Span<short> e, int rows, int cols, ReadOnlySpan<short> a, ReadOnlySpan<short> x,
        ReadOnlySpan<short> c, int shift, Span<int> g)
    {
        Check.Matrix(e.Length, rows, cols);
        Check.SameLength(rows, a.Length, c.Length);
        Check.SameLength(cols, x.Length);
        Check.SameLength(e.Length, g.Length);
        Check.Shift(shift, 0, 31);
        for (int i = 0; i < rows; i++)
        {
            TraceAccumulateRowCore(e.Slice(i * cols, cols), a[i], x, c[i], shift, g.Slice(i * cols, cols));
        }
    }

    /// <summary>
    /// Rank-1 update with stochastic rounding: w[i, j] = sat16(w[i, j] + floor((u[i] * v[j] + r) / 2^shift)),
    /// where r is uniform on [0, 2^shift) from the xorshift32 lanes in <paramref name="rngLanes"/>, so the
    /// expected applied update equals u[i] * v[j] / 2^shift exactly and small updates do not vanish.
    /// Lane j mod <see cref="RngLanes"/> serves column j; see <see cref="StochasticRounding"/>.
    /// </summary>
    public void Rank1UpdateStochastic(
        Span<short> w, int rows, int cols, ReadOnlySpan<short> u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes)
    {
        Check.Matrix(w.Length, rows, cols);
        Check.SameLength(rows, u.Length);
        Check.SameLength(cols, v.Length);
        Check.Shift(shift, 1, 30);
        StochasticRounding.CheckLanes(rngLanes);
        for (int i = 0; i < rows; i++)
        {
            Rank1StochasticRowCore(w.Slice(i * cols, cols), u[i], v, shift, rngLanes);
        }
    }

    /// <summary>
    /// Rank-1 update with round-to-nearest: w[i, j] = sat16(w[i, j] + round(u[i] * v[j] / 2^shift)).
    /// Updates smaller than half an LSB vanish; use <see cref="Rank1UpdateStochastic"/> when that matters.
    /// </summary>
    public void Rank1UpdateNearest(Span<short> w, int rows, int cols, ReadOnlySpan<short> u, ReadOnlySpan<short> v, int shift)
    {
        Check.Matrix(w.Length, rows, cols);
        Check.SameLength(rows, u.Length);
        Check.SameLength(cols, v.Length);
        Check.Shift(shift, 0, 30);
        for (int i = 0; i < rows; i++)
        {
            Rank1NearestRowCore(w.Slice(i * cols, cols), u[i], v, shift);
        }
    }

    /// <summary>
    /// Complex multiply-accumulate on split planes: acc += a * b, with exact int16 x int16 products and
    /// saturating int32 sums in a fixed order:
    /// accRe = sat(sat(accRe + aRe*bRe) - aIm*bIm); accIm = sat(sat(accIm + aRe*bIm) + aIm*bRe).
    /// </summary>
    public void ComplexMultiplyAccumulate(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm,
        Span<int> accRe, Span<int> accIm)
    {
        Check.SameLength(aRe.Length, aIm.Length, bRe.Length);
        Check.SameLength(bRe.Length, bIm.Length, accRe.Length);
        Check.SameLength(accRe.Length, accIm.Length);
        ComplexMultiplyAccumulateCore(aRe, aIm, bRe, bIm, accRe, accIm);
    }

    /// <summary>
    /// Threshold crossing: spikes[i] = 1 when v[i] > theta[i], else 0 (the Heaviside step H(v - theta)).
    /// </summary>
    public void Threshold(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes)
    {
        Check.SameLength(v.Length, theta.Length, spikes.Length);
        ThresholdCore(v, theta, spikes);
    }

    protected abstract void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst);

    protected abstract void SubtractCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst);

    protected abstract void AddCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst);

    protected abstract void SubtractCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst);

    protected abstract void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst);

    protected abstract void ClampCore(ReadOnlySpan<short> x, short lo, short hi, Span<short> dst);

    protected abstract void NarrowRoundCore(ReadOnlySpan<int> x, int shift, Span<short> dst);

    protected abstract long DotCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y);

    protected abstract int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y);

    /// <summary>acc[i] += x[i], widened to int32, wrapping.</summary>
    protected abstract void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc);

    protected abstract void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x);

    protected abstract void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g);

    protected abstract void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes);

    protected abstract void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift);

    protected abstract void ComplexMultiplyAccumulateCore(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm,
        Span<int> accRe, Span<int> accIm);

    protected abstract void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes);
}
