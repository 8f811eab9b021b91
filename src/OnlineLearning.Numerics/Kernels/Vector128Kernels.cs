using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// Portable <see cref="Vector128{T}"/> bodies. Most kernels run a shared loop of <see cref="VectorLoops"/> with
/// an operator struct over <see cref="PortableSimd"/>; each loop handles whole vectors and hands the remaining
/// elements to the scalar specification. Widening multiplies keep every int16 product exact in int32.
/// </summary>
public partial class Vector128Kernels : ScalarKernels
{
    private const int Shorts = 8;   // int16 lanes in 128 bits

    public override Backend Backend => Backend.Vector128;

    protected override void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) =>
        VectorLoops.Binary(x, y, dst, default(AddSaturate16Operator<PortableSimd>));

    protected override void SubtractCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) =>
        VectorLoops.Binary(x, y, dst, default(SubtractSaturate16Operator<PortableSimd>));

    protected override void AddCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst) =>
        VectorLoops.Binary(x, y, dst, default(AddSaturate32Operator));

    protected override void SubtractCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst) =>
        VectorLoops.Binary(x, y, dst, default(SubtractSaturate32Operator));

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst) =>
        VectorLoops.Unary(x, dst, new ScaleQ15Operator<PortableSimd>(scale));

    protected override void ClampCore(ReadOnlySpan<short> x, short lo, short hi, Span<short> dst) =>
        VectorLoops.Unary(x, dst, new ClampOperator(lo, hi));

    protected override void NarrowRoundCore(ReadOnlySpan<int> x, int shift, Span<short> dst) =>
        VectorLoops.NarrowRound<PortableSimd>(x, shift, dst);

    protected override long DotCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        Vector128<long> acc = Vector128<long>.Zero;
        int i = 0;
        for (; i <= x.Length - Shorts; i += Shorts)
        {
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(Load128(x, i), Load128(y, i));
            (Vector128<long> a, Vector128<long> b) = Vector128.Widen(lo);
            (Vector128<long> c, Vector128<long> d) = Vector128.Widen(hi);
            acc += (a + b) + (c + d);
        }

        return Vector128.Sum(acc) + Scalar.Dot(x[i..], y[i..]);
    }

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y) => VectorLoops.DotInt32<PortableSimd>(x, y);

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc) => VectorLoops.AddWiden<PortableSimd>(x, acc);

    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x) =>
        VectorLoops.Row(e, x, new TraceRowOperator<PortableSimd>(a));

    protected override void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g) =>
        VectorLoops.RowAccumulate(e, x, g, new TraceAccumulateOperator<PortableSimd>(a, c, shift));

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes) =>
        VectorLoops.StochasticRow(w, v, rngLanes, new Rank1StochasticOperator<PortableSimd>(u, shift));

    /// <remarks>
    /// Hand-written rather than <see cref="VectorLoops.Row{TOp}"/>: through the driver w is loaded before the
    /// product, and this portable body measured 8-14% slower that way (x86 JIT, 16 x 64 and 16 x 1024).
    /// </remarks>
    protected override void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift)
    {
        Vector128<short> vu = Vector128.Create(u);
        int j = 0;
        for (; j <= w.Length - Shorts; j += Shorts)
        {
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(vu, Load128(v, j));
            Store128(PortableSimd.AddNarrow(Load128(w, j), ShiftRightRound(lo, shift), ShiftRightRound(hi, shift)), w, j);
        }

        Scalar.Rank1NearestRow(w[j..], u, v[j..], shift);
    }

    protected override void ComplexMultiplyAccumulateCore(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm) =>
        VectorLoops.ComplexMultiplyAccumulate<PortableSimd>(aRe, aIm, bRe, bIm, accRe, accIm);

    protected override void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes) =>
        VectorLoops.Threshold<PortableSimd>(v, theta, spikes);

    /// <summary>Vector form of <see cref="QMath.MulQ15"/>: widen, multiply exactly, round, narrow with saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> MulQ15(Vector128<short> a, Vector128<short> b)
    {
        (Vector128<int> lo, Vector128<int> hi) = MulWiden(a, b);
        Vector128<int> half = Vector128.Create(1 << 14);
        return Vector128.NarrowWithSaturation(
            Vector128.ShiftRightArithmetic(lo + half, 15),
            Vector128.ShiftRightArithmetic(hi + half, 15));
    }

    /// <summary>Exact int16 x int16 products, lanes 0-3 and 4-7, in int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> Lo, Vector128<int> Hi) MulWiden(Vector128<short> a, Vector128<short> b)
    {
        (Vector128<int> alo, Vector128<int> ahi) = Vector128.Widen(a);
        (Vector128<int> blo, Vector128<int> bhi) = Vector128.Widen(b);
        return (alo * blo, ahi * bhi);
    }

    /// <summary>Vector form of <see cref="QMath.ShiftRightRound(int, int)"/>, overflow-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ShiftRightRound(Vector128<int> x, int shift) =>
        shift == 0 ? x : Vector128.ShiftRightArithmetic(x, shift) + (Vector128.ShiftRightArithmetic(x, shift - 1) & Vector128<int>.One);

    /// <summary>The portable fixed-point steps: plain <see cref="Vector128"/> code, which every backend accelerating Vector128 runs.</summary>
    internal readonly struct PortableSimd : ISimd
    {
        public static bool Has256 => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> MulQ15(Vector128<short> a, Vector128<short> b) => Vector128Kernels.MulQ15(a, b);

        public static Vector256<short> MulQ15(Vector256<short> a, Vector256<short> b) => throw new UnreachableException();

        public static Vector256<short> AddSaturate(Vector256<short> a, Vector256<short> b) => throw new UnreachableException();

        public static Vector256<short> SubtractSaturate(Vector256<short> a, Vector256<short> b) => throw new UnreachableException();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Lo, Vector128<int> Hi) MulWiden(Vector128<short> a, Vector128<short> b) => Vector128Kernels.MulWiden(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> AddSaturate(Vector128<int> a, Vector128<int> b) => Vector128.AddSaturate(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> AddNarrow(Vector128<short> w, Vector128<int> dLo, Vector128<int> dHi)
        {
            (Vector128<int> wlo, Vector128<int> whi) = Vector128.Widen(w);
            return Vector128.NarrowWithSaturation(wlo + dLo, whi + dHi);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Lo, Vector128<int> Hi) AddWiden(Vector128<int> lo, Vector128<int> hi, Vector128<short> x)
        {
            (Vector128<int> xlo, Vector128<int> xhi) = Vector128.Widen(x);
            return (lo + xlo, hi + xhi);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> NarrowMasks(Vector128<short> lo, Vector128<short> hi) => Vector128.Narrow(lo, hi).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> MultiplyAddPairs(Vector128<int> acc, Vector128<short> x, Vector128<short> y)
        {
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(x, y);
            return acc + lo + hi;
        }

        /// <summary>The count in lane 0; the portable shifts take it as an int.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> RightShiftCount(int shift) => Vector128.CreateScalar(shift);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<uint> ShiftRightLogical(Vector128<uint> x, Vector128<int> count) => Vector128.ShiftRightLogical(x, count.ToScalar());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> ShiftRightArithmetic(Vector128<int> x, Vector128<int> count) => Vector128.ShiftRightArithmetic(x, count.ToScalar());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> ShiftRightRound(Vector128<int> x, Vector128<int> count, Vector128<int> roundCount, Vector128<int> roundBit) =>
            Vector128.ShiftRightArithmetic(x, count.ToScalar()) + (Vector128.ShiftRightArithmetic(x, roundCount.ToScalar()) & roundBit);
    }
}
