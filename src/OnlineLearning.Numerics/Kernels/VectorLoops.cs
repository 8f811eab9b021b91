using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// The fixed-point steps whose best instructions differ between ISAs. Each SIMD backend has one struct
/// implementing them (<c>PortableSimd</c>, <c>NeonSimd</c>, <c>X86Simd</c>); the operators and loops of
/// <see cref="VectorLoops"/> are generic over it, so the JIT/ILC specialises and inlines every call.
/// </summary>
/// <remarks>
/// The 256-bit members run only where <see cref="Has256"/> is true (x86 with AVX2); elsewhere the loops
/// never reach them and the JIT drops them as dead code.
/// </remarks>
internal interface ISimd
{
    /// <summary>True when the 256-bit members are implemented and the CPU runs them.</summary>
    static abstract bool Has256 { get; }

    /// <summary><see cref="QMath.MulQ15"/> on eight lanes.</summary>
    static abstract Vector128<short> MulQ15(Vector128<short> a, Vector128<short> b);

    /// <summary><see cref="QMath.MulQ15"/> on sixteen lanes (only when <see cref="Has256"/>).</summary>
    static abstract Vector256<short> MulQ15(Vector256<short> a, Vector256<short> b);

    /// <summary>sat16(a + b) on sixteen lanes (only when <see cref="Has256"/>).</summary>
    static abstract Vector256<short> AddSaturate(Vector256<short> a, Vector256<short> b);

    /// <summary>sat16(a − b) on sixteen lanes (only when <see cref="Has256"/>).</summary>
    static abstract Vector256<short> SubtractSaturate(Vector256<short> a, Vector256<short> b);

    /// <summary>Exact int16 × int16 products, lanes 0-3 and 4-7, in int32.</summary>
    static abstract (Vector128<int> Lo, Vector128<int> Hi) MulWiden(Vector128<short> a, Vector128<short> b);

    /// <summary>sat32(a + b).</summary>
    static abstract Vector128<int> AddSaturate(Vector128<int> a, Vector128<int> b);

    /// <summary>sat16(w + d) for eight int16 lanes and their int32 deltas (lanes 0-3 in dLo, 4-7 in dHi).</summary>
    static abstract Vector128<short> AddNarrow(Vector128<short> w, Vector128<int> dLo, Vector128<int> dHi);

    /// <summary>(lo + x[0..3], hi + x[4..7]) with x widened to int32, wrapping.</summary>
    static abstract (Vector128<int> Lo, Vector128<int> Hi) AddWiden(Vector128<int> lo, Vector128<int> hi, Vector128<short> x);

    /// <summary>acc + the eight products of x and y summed pairwise into four lanes, wrapping.</summary>
    static abstract Vector128<int> MultiplyAddPairs(Vector128<int> acc, Vector128<short> x, Vector128<short> y);

    /// <summary>A right-shift count for <see cref="ShiftRightLogical"/> and <see cref="ShiftRightArithmetic"/>, prepared once outside a loop.</summary>
    static abstract Vector128<int> RightShiftCount(int shift);

    /// <summary>x &gt;&gt;&gt; shift, the count from <see cref="RightShiftCount"/>.</summary>
    static abstract Vector128<uint> ShiftRightLogical(Vector128<uint> x, Vector128<int> count);

    /// <summary>x &gt;&gt; shift (floor), the count from <see cref="RightShiftCount"/>.</summary>
    static abstract Vector128<int> ShiftRightArithmetic(Vector128<int> x, Vector128<int> count);

    /// <summary>
    /// <see cref="QMath.ShiftRightRound(int, int)"/> on four lanes, overflow-free, with counts prepared once per call (see
    /// <see cref="RoundingShift{TSimd}"/>): count = RightShiftCount(s), roundCount = RightShiftCount(max(s − 1, 0)),
    /// roundBit = 1 in every lane (0 for s = 0), so the loop neither branches on s nor rebuilds the counts.
    /// </summary>
    static abstract Vector128<int> ShiftRightRound(Vector128<int> x, Vector128<int> count, Vector128<int> roundCount, Vector128<int> roundBit);

    /// <summary>Two int16 compare masks (0 or −1 per lane) as sixteen bytes (0 or 0xFF), lanes of lo first.</summary>
    static abstract Vector128<byte> NarrowMasks(Vector128<short> lo, Vector128<short> hi);
}

/// <summary>A rounding right shift by s prepared once per call for <see cref="ISimd.ShiftRightRound(Vector128{int}, Vector128{int}, Vector128{int}, Vector128{int})"/>.</summary>
internal readonly struct RoundingShift<TSimd>
    where TSimd : struct, ISimd
{
    private readonly Vector128<int> _count, _roundCount, _roundBit;

    public RoundingShift(int shift)
    {
        _count = TSimd.RightShiftCount(shift);
        _roundCount = TSimd.RightShiftCount(Math.Max(shift - 1, 0));
        _roundBit = Vector128.Create(shift == 0 ? 0 : 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply(Vector128<int> x) => TSimd.ShiftRightRound(x, _count, _roundCount, _roundBit);
}

/// <summary>dst = op(x): one element-wise operation, a vector body per width and the specification for the tail.</summary>
internal interface IUnaryOperator<T>
{
    /// <summary>True when <see cref="Invoke(Vector256{T})"/> runs (x86 with AVX2).</summary>
    static abstract bool Has256 { get; }

    Vector128<T> Invoke(Vector128<T> x);

    Vector256<T> Invoke(Vector256<T> x);

    /// <summary>The specification on the elements the vector loops leave over.</summary>
    void Tail(ReadOnlySpan<T> x, Span<T> dst);
}

/// <summary>
/// dst = op(x, y): one element-wise operation. A row update in place is the same shape with dst = x:
/// w[j] = op(w[j], v[j]), the row's coefficient held by the operator.
/// </summary>
internal interface IBinaryOperator<T>
{
    /// <summary>True when <see cref="Invoke(Vector256{T}, Vector256{T})"/> runs (x86 with AVX2).</summary>
    static abstract bool Has256 { get; }

    Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);

    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    /// <summary>The specification on the elements the vector loops leave over (dst may be x).</summary>
    void Tail(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst);
}

/// <summary>Row update with an int32 accumulation of the updated row (see <see cref="VectorLoops.RowAccumulate{TOp}"/>).</summary>
internal interface IRowAccumulateOperator
{
    /// <summary>The new row values.</summary>
    Vector128<short> Update(Vector128<short> e, Vector128<short> x);

    /// <summary>The new accumulators of the eight elements (lanes 0-3 in lo, 4-7 in hi) given their updated values.</summary>
    (Vector128<int> Lo, Vector128<int> Hi) Accumulate(Vector128<int> lo, Vector128<int> hi, Vector128<short> updated);

    /// <summary>The specification on the elements the vector loop leaves over.</summary>
    void Tail(Span<short> e, ReadOnlySpan<short> x, Span<int> g);
}

/// <summary>Row update in place that consumes one stochastic-rounding offset per element (see <see cref="VectorLoops.StochasticRow{TOp}"/>).</summary>
internal interface IStochasticRowOperator
{
    /// <summary>
    /// Advances lanes start..start+3 and returns their offsets, uniform on [0, 2^shift)
    /// (<see cref="StochasticRounding.NextOffsets{TSimd}"/> with the operator's prepared count).
    /// </summary>
    Vector128<int> NextOffsets(Span<uint> rngLanes, int start);

    /// <summary>The new w of eight columns given their offsets (columns 0-3 in offLo, 4-7 in offHi).</summary>
    Vector128<short> Invoke(Vector128<short> w, Vector128<short> v, Vector128<int> offLo, Vector128<int> offHi);

    /// <summary>The specification on the columns the vector loop leaves over; <paramref name="firstColumn"/> picks the lanes.</summary>
    void Tail(Span<short> w, ReadOnlySpan<short> v, Span<uint> rngLanes, int firstColumn);
}

/// <summary>
/// The loop drivers the SIMD backends share, in the style of System.Numerics.Tensors.TensorPrimitives: one
/// loop per shape, taking an operator struct (or an <see cref="ISimd"/> struct) as a generic argument so each
/// instantiation is specialised and inlined, with no virtual call and no allocation in the loop. Each loop runs
/// whole vectors (256-bit first where the operator has them, then 128-bit) and hands the rest to the scalar
/// specification, so a tail is computed by <see cref="Scalar"/> itself.
/// </summary>
internal static class VectorLoops
{
    /// <summary>Element-wise, one input: dst[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> dst, TOp op)
        where TOp : struct, IUnaryOperator<T>
    {
        int i = 0;
        if (TOp.Has256)
        {
            for (; i <= dst.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Store256(op.Invoke(Load256(x, i)), dst, i);
            }
        }

        for (; i <= dst.Length - Vector128<T>.Count; i += Vector128<T>.Count)
        {
            Store128(op.Invoke(Load128(x, i)), dst, i);
        }

        op.Tail(x[i..], dst[i..]);
    }

    /// <summary>Element-wise, two inputs: dst[i] = op(x[i], y[i]). dst may be x (a row update in place).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Binary<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst, TOp op)
        where TOp : struct, IBinaryOperator<T>
    {
        int i = 0;
        if (TOp.Has256)
        {
            for (; i <= dst.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Store256(op.Invoke(Load256(x, i), Load256(y, i)), dst, i);
            }
        }

        for (; i <= dst.Length - Vector128<T>.Count; i += Vector128<T>.Count)
        {
            Store128(op.Invoke(Load128(x, i), Load128(y, i)), dst, i);
        }

        op.Tail(x[i..], y[i..], dst[i..]);
    }

    /// <summary>
    /// Row update in place with the row's coefficient in the operator: w[j] = op(w[j], v[j]). The same as
    /// <see cref="Binary{T, TOp}"/> with dst = w, except that v is loaded first, so the JIT schedules the
    /// product before the read of w as the hand-written row bodies did.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Row<TOp>(Span<short> w, ReadOnlySpan<short> v, TOp op)
        where TOp : struct, IBinaryOperator<short>
    {
        int j = 0;
        if (TOp.Has256)
        {
            for (; j <= w.Length - Vector256<short>.Count; j += Vector256<short>.Count)
            {
                Vector256<short> vj = Load256(v, j);
                Store256(op.Invoke(Load256(w, j), vj), w, j);
            }
        }

        for (; j <= w.Length - Vector128<short>.Count; j += Vector128<short>.Count)
        {
            Vector128<short> vj = Load128(v, j);
            Store128(op.Invoke(Load128(w, j), vj), w, j);
        }

        op.Tail(w[j..], v[j..], w[j..]);
    }

    /// <summary>
    /// Row update fused with an int32 accumulation of the updated row: e[j] = op.Update(e[j], x[j]), then
    /// g[j] = op.Accumulate(g[j], new e[j]), eight elements per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RowAccumulate<TOp>(Span<short> e, ReadOnlySpan<short> x, Span<int> g, TOp op)
        where TOp : struct, IRowAccumulateOperator
    {
        int j = 0;
        for (; j <= e.Length - 8; j += 8)
        {
            Vector128<short> updated = op.Update(Load128(e, j), Load128(x, j));
            Store128(updated, e, j);
            (Vector128<int> lo, Vector128<int> hi) = op.Accumulate(Load128(g, j), Load128(g, j + 4), updated);
            Store128(lo, g, j);
            Store128(hi, g, j + 4);
        }

        op.Tail(e[j..], x[j..], g[j..]);
    }

    /// <summary>
    /// Stateful row: w[j] = op(w[j], v[j], r[j]) where r[j] is the next offset of xorshift lane j mod 16, eight columns per step; the step advances lanes (j mod 16)..+7 in place
    /// and the tail continues them from column j, so every column draws from the same lane on every backend.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StochasticRow<TOp>(Span<short> w, ReadOnlySpan<short> v, Span<uint> rngLanes, TOp op)
        where TOp : struct, IStochasticRowOperator
    {
        int j = 0;
        for (; j <= w.Length - 8; j += 8)
        {
            int lane = j % StochasticRounding.Lanes;
            Vector128<int> offLo = op.NextOffsets(rngLanes, lane);
            Vector128<int> offHi = op.NextOffsets(rngLanes, lane + 4);
            Store128(op.Invoke(Load128(w, j), Load128(v, j), offLo, offHi), w, j);
        }

        op.Tail(w[j..], v[j..], rngLanes, j);
    }

    /// <summary>Threshold crossing (<see cref="QKernels.Threshold"/>), sixteen elements per step: spikes = (v &gt; theta) &amp; 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Threshold<TSimd>(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes)
        where TSimd : struct, ISimd
    {
        int i = 0;
        for (; i <= spikes.Length - 16; i += 16)
        {
            Vector128<short> lo = Vector128.GreaterThan(Load128(v, i), Load128(theta, i));
            Vector128<short> hi = Vector128.GreaterThan(Load128(v, i + 8), Load128(theta, i + 8));
            Store128(TSimd.NarrowMasks(lo, hi) & Vector128<byte>.One, spikes, i);
        }

        Scalar.Threshold(v[i..], theta[i..], spikes[i..]);
    }

    /// <summary>Reduction (<see cref="QKernels.DotInt32"/>): the dot product in int32 lanes, wrapping, so the order of the sums does not matter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt32<TSimd>(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
        where TSimd : struct, ISimd
    {
        Vector128<int> acc = Vector128<int>.Zero;
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
        {
            acc = TSimd.MultiplyAddPairs(acc, Load128(x, i), Load128(y, i));
        }

        return unchecked(Vector128.Sum(acc) + Scalar.DotInt32(x[i..], y[i..]));
    }

    /// <summary>Narrowing element-wise (<see cref="QKernels.NarrowRound"/>): dst = sat16(round(x / 2^shift)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowRound<TSimd>(ReadOnlySpan<int> x, int shift, Span<short> dst)
        where TSimd : struct, ISimd
    {
        var round = new RoundingShift<TSimd>(shift);
        int i = 0;
        for (; i <= dst.Length - 8; i += 8)
        {
            Vector128<int> lo = round.Apply(Load128(x, i));
            Vector128<int> hi = round.Apply(Load128(x, i + 4));
            Store128(Vector128.NarrowWithSaturation(lo, hi), dst, i);
        }

        Scalar.NarrowRound(x[i..], shift, dst[i..]);
    }

    /// <summary>Widening element-wise (spike accumulation): acc[i] += x[i], wrapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWiden<TSimd>(ReadOnlySpan<short> x, Span<int> acc)
        where TSimd : struct, ISimd
    {
        int i = 0;
        for (; i <= acc.Length - 8; i += 8)
        {
            (Vector128<int> lo, Vector128<int> hi) = TSimd.AddWiden(Load128(acc, i), Load128(acc, i + 4), Load128(x, i));
            Store128(lo, acc, i);
            Store128(hi, acc, i + 4);
        }

        Scalar.AddWiden(x[i..], acc[i..]);
    }

    /// <summary>Complex multiply-accumulate on split planes (<see cref="QKernels.ComplexMultiplyAccumulate"/>), eight elements per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ComplexMultiplyAccumulate<TSimd>(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm)
        where TSimd : struct, ISimd
    {
        int i = 0;
        for (; i <= accRe.Length - 8; i += 8)
        {
            Vector128<short> ar = Load128(aRe, i), ai = Load128(aIm, i), br = Load128(bRe, i), bi = Load128(bIm, i);
            (Vector128<int> rrLo, Vector128<int> rrHi) = TSimd.MulWiden(ar, br);
            (Vector128<int> iiLo, Vector128<int> iiHi) = TSimd.MulWiden(ai, bi);
            (Vector128<int> riLo, Vector128<int> riHi) = TSimd.MulWiden(ar, bi);
            (Vector128<int> irLo, Vector128<int> irHi) = TSimd.MulWiden(ai, br);
            ComplexMacHalf(accRe, accIm, i, rrLo, iiLo, riLo, irLo);
            ComplexMacHalf(accRe, accIm, i + 4, rrHi, iiHi, riHi, irHi);
        }

        Scalar.ComplexMultiplyAccumulate(aRe[i..], aIm[i..], bRe[i..], bIm[i..], accRe[i..], accIm[i..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ComplexMacHalf(Span<int> accRe, Span<int> accIm, int i, Vector128<int> rr, Vector128<int> ii, Vector128<int> ri, Vector128<int> ir)
    {
        Store128(Vector128.SubtractSaturate(Vector128.AddSaturate(Load128(accRe, i), rr), ii), accRe, i);
        Store128(Vector128.AddSaturate(Vector128.AddSaturate(Load128(accIm, i), ri), ir), accIm, i);
    }
}
