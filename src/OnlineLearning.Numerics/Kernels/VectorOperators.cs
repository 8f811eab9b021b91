using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace OnlineLearning.Numerics.Kernels;

// The element-wise and row-update operators of the SIMD backends, one struct per operation, driven by
// VectorLoops.Unary / Binary / Row. Where an operation's instructions differ between ISAs the struct is
// generic over an ISimd; its 256-bit body runs only when that ISimd has AVX2.

/// <summary>sat16(x + y).</summary>
internal readonly struct AddSaturate16Operator<TSimd> : IBinaryOperator<short>
    where TSimd : struct, ISimd
{
    public static bool Has256 => TSimd.Has256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> x, Vector128<short> y) => Vector128.AddSaturate(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<short> Invoke(Vector256<short> x, Vector256<short> y) => TSimd.AddSaturate(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) => Scalar.Add(x, y, dst);
}

/// <summary>sat16(x − y).</summary>
internal readonly struct SubtractSaturate16Operator<TSimd> : IBinaryOperator<short>
    where TSimd : struct, ISimd
{
    public static bool Has256 => TSimd.Has256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> x, Vector128<short> y) => Vector128.SubtractSaturate(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<short> Invoke(Vector256<short> x, Vector256<short> y) => TSimd.SubtractSaturate(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) => Scalar.Subtract(x, y, dst);
}

/// <summary>sat32(x + y), 128-bit only.</summary>
internal readonly struct AddSaturate32Operator : IBinaryOperator<int>
{
    public static bool Has256 => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Invoke(Vector128<int> x, Vector128<int> y) => Vector128.AddSaturate(x, y);

    public Vector256<int> Invoke(Vector256<int> x, Vector256<int> y) => throw new UnreachableException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst) => Scalar.Add(x, y, dst);
}

/// <summary>sat32(x − y), 128-bit only.</summary>
internal readonly struct SubtractSaturate32Operator : IBinaryOperator<int>
{
    public static bool Has256 => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Invoke(Vector128<int> x, Vector128<int> y) => Vector128.SubtractSaturate(x, y);

    public Vector256<int> Invoke(Vector256<int> x, Vector256<int> y) => throw new UnreachableException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst) => Scalar.Subtract(x, y, dst);
}

/// <summary><see cref="QMath.MulQ15"/>(x, scale).</summary>
internal readonly struct ScaleQ15Operator<TSimd> : IUnaryOperator<short>
    where TSimd : struct, ISimd
{
    private readonly short _scale;
    private readonly Vector128<short> _scale128;

    public ScaleQ15Operator(short scale)
    {
        _scale = scale;
        _scale128 = Vector128.Create(scale);
    }

    public static bool Has256 => TSimd.Has256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> x) => TSimd.MulQ15(x, _scale128);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<short> Invoke(Vector256<short> x) => TSimd.MulQ15(x, Vector256.Create(_scale128, _scale128));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<short> x, Span<short> dst) => Scalar.ScaleQ15(x, _scale, dst);
}

/// <summary>min(max(x, lo), hi), 128-bit only (SMIN/SMAX on arm64, PMINSW/PMAXSW on x86).</summary>
internal readonly struct ClampOperator : IUnaryOperator<short>
{
    private readonly short _lo, _hi;
    private readonly Vector128<short> _lo128, _hi128;

    public ClampOperator(short lo, short hi)
    {
        _lo = lo;
        _hi = hi;
        _lo128 = Vector128.Create(lo);
        _hi128 = Vector128.Create(hi);
    }

    public static bool Has256 => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> x) => Vector128.Min(Vector128.Max(x, _lo128), _hi128);

    public Vector256<short> Invoke(Vector256<short> x) => throw new UnreachableException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<short> x, Span<short> dst) => Scalar.Clamp(x, _lo, _hi, dst);
}

/// <summary>Trace row in place (<see cref="QKernels.TraceUpdate"/>): e = sat16(MulQ15(a, e) + x), a the row's decay.</summary>
internal readonly struct TraceRowOperator<TSimd> : IBinaryOperator<short>
    where TSimd : struct, ISimd
{
    private readonly short _a;
    private readonly Vector128<short> _a128;

    public TraceRowOperator(short a)
    {
        _a = a;
        _a128 = Vector128.Create(a);
    }

    public static bool Has256 => TSimd.Has256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> e, Vector128<short> x) => Vector128.AddSaturate(TSimd.MulQ15(_a128, e), x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<short> Invoke(Vector256<short> e, Vector256<short> x) => TSimd.AddSaturate(TSimd.MulQ15(Vector256.Create(_a128, _a128), e), x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<short> e, ReadOnlySpan<short> x, Span<short> dst) => Scalar.TraceRow(dst, _a, x);
}

/// <summary>Rank-1 row in place with round-to-nearest (<see cref="QKernels.Rank1UpdateNearest"/>): w = sat16(w + round(u · v / 2^shift)).</summary>
internal readonly struct Rank1NearestOperator<TSimd> : IBinaryOperator<short>
    where TSimd : struct, ISimd
{
    private readonly short _u;
    private readonly int _shift;
    private readonly Vector128<short> _u128;
    private readonly RoundingShift<TSimd> _round;

    public Rank1NearestOperator(short u, int shift)
    {
        _u = u;
        _shift = shift;
        _u128 = Vector128.Create(u);
        _round = new RoundingShift<TSimd>(shift);
    }

    public static bool Has256 => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> w, Vector128<short> v)
    {
        (Vector128<int> lo, Vector128<int> hi) = TSimd.MulWiden(_u128, v);
        return TSimd.AddNarrow(w, _round.Apply(lo), _round.Apply(hi));
    }

    public Vector256<short> Invoke(Vector256<short> w, Vector256<short> v) => throw new UnreachableException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(ReadOnlySpan<short> w, ReadOnlySpan<short> v, Span<short> dst) => Scalar.Rank1NearestRow(dst, _u, v, _shift);
}

/// <summary>Trace row fused with gradient accumulation (<see cref="QKernels.TraceUpdateAccumulate"/>): e = sat16(MulQ15(a, e) + x), g = sat32(g + round(c · e / 2^shift)).</summary>
internal readonly struct TraceAccumulateOperator<TSimd> : IRowAccumulateOperator
    where TSimd : struct, ISimd
{
    private readonly short _a, _c;
    private readonly int _shift;
    private readonly Vector128<short> _a128, _c128;
    private readonly RoundingShift<TSimd> _round;

    public TraceAccumulateOperator(short a, short c, int shift)
    {
        _a = a;
        _c = c;
        _shift = shift;
        _a128 = Vector128.Create(a);
        _c128 = Vector128.Create(c);
        _round = new RoundingShift<TSimd>(shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Update(Vector128<short> e, Vector128<short> x) => Vector128.AddSaturate(TSimd.MulQ15(_a128, e), x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector128<int> Lo, Vector128<int> Hi) Accumulate(Vector128<int> lo, Vector128<int> hi, Vector128<short> updated)
    {
        (Vector128<int> pLo, Vector128<int> pHi) = TSimd.MulWiden(_c128, updated);
        return (TSimd.AddSaturate(lo, _round.Apply(pLo)), TSimd.AddSaturate(hi, _round.Apply(pHi)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(Span<short> e, ReadOnlySpan<short> x, Span<int> g) => Scalar.TraceAccumulateRow(e, _a, x, _c, _shift, g);
}

/// <summary>Rank-1 row with stochastic rounding (<see cref="QKernels.Rank1UpdateStochastic"/>): w = sat16(w + floor((u · v + r) / 2^shift)).</summary>
internal readonly struct Rank1StochasticOperator<TSimd> : IStochasticRowOperator
    where TSimd : struct, ISimd
{
    private readonly short _u;
    private readonly int _shift;
    private readonly Vector128<short> _u128;
    private readonly Vector128<int> _down, _offsetCount;

    public Rank1StochasticOperator(short u, int shift)
    {
        _u = u;
        _shift = shift;
        _u128 = Vector128.Create(u);
        _down = TSimd.RightShiftCount(shift);
        _offsetCount = TSimd.RightShiftCount(32 - shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> NextOffsets(Span<uint> rngLanes, int start) => StochasticRounding.NextOffsets<TSimd>(rngLanes, start, _offsetCount);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<short> Invoke(Vector128<short> w, Vector128<short> v, Vector128<int> offLo, Vector128<int> offHi)
    {
        (Vector128<int> lo, Vector128<int> hi) = TSimd.MulWiden(_u128, v);
        return TSimd.AddNarrow(w, TSimd.ShiftRightArithmetic(lo + offLo, _down), TSimd.ShiftRightArithmetic(hi + offHi, _down));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tail(Span<short> w, ReadOnlySpan<short> v, Span<uint> rngLanes, int firstColumn) =>
        Scalar.Rank1StochasticRow(w, _u, v, _shift, rngLanes, firstColumn);
}
