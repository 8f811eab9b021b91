using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// AdvSimd (NEON) bodies for arm64. The instructions were picked because their rounding and saturation
/// are the specification's: SQRDMULH is <see cref="QMath.MulQ15"/>, SRSHL by a negative count is
/// <see cref="QMath.ShiftRightRound(int, int)"/> (computed without overflow), SQADD/SQSUB saturate,
/// SMULL/SMLAL widen exactly and SQXTN narrows with saturation.
/// Saturating add/subtract and clamp inherit the portable bodies: on arm64 Vector128.AddSaturate,
/// SubtractSaturate, Min and Max already are SQADD, SQSUB, SMIN and SMAX.
/// </summary>
public sealed partial class NeonKernels : Vector128Kernels
{
    private const int Shorts = 8;

    public static bool IsSupported => AdvSimd.Arm64.IsSupported;

    public override Backend Backend => Backend.Neon;

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst) =>
        VectorLoops.Unary(x, dst, new ScaleQ15Operator<NeonSimd>(scale));

    protected override void NarrowRoundCore(ReadOnlySpan<int> x, int shift, Span<short> dst) =>
        VectorLoops.NarrowRound<NeonSimd>(x, shift, dst);

    protected override long DotCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        // SMULL/SMULL2 give exact int32 products; SADDW/SADDW2 widen them into int64 sums.
        Vector128<long> acc0 = Vector128<long>.Zero, acc1 = Vector128<long>.Zero;
        int i = 0;
        for (; i <= x.Length - Shorts; i += Shorts)
        {
            Vector128<short> a = Load128(x, i), b = Load128(y, i);
            Vector128<int> lo = AdvSimd.MultiplyWideningLower(a.GetLower(), b.GetLower());
            Vector128<int> hi = AdvSimd.MultiplyWideningUpper(a, b);
            acc0 = AdvSimd.AddWideningUpper(AdvSimd.AddWideningLower(acc0, lo.GetLower()), lo);
            acc1 = AdvSimd.AddWideningUpper(AdvSimd.AddWideningLower(acc1, hi.GetLower()), hi);
        }

        Vector128<long> acc = AdvSimd.Add(acc0, acc1);
        return acc.GetElement(0) + acc.GetElement(1) + Scalar.Dot(x[i..], y[i..]);
    }

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y) => VectorLoops.DotInt32<NeonSimd>(x, y);

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc) => VectorLoops.AddWiden<NeonSimd>(x, acc);

    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x) =>
        VectorLoops.Row(e, x, new TraceRowOperator<NeonSimd>(a));

    protected override void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g) =>
        VectorLoops.RowAccumulate(e, x, g, new TraceAccumulateOperator<NeonSimd>(a, c, shift));

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes) =>
        VectorLoops.StochasticRow(w, v, rngLanes, new Rank1StochasticOperator<NeonSimd>(u, shift));

    protected override void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift) =>
        VectorLoops.Row(w, v, new Rank1NearestOperator<NeonSimd>(u, shift));

    protected override void ComplexMultiplyAccumulateCore(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm) =>
        VectorLoops.ComplexMultiplyAccumulate<NeonSimd>(aRe, aIm, bRe, bIm, accRe, accIm);

    protected override void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes)
    {
        Vector64<byte> one = Vector64<byte>.One;
        int i = 0;
        for (; i <= spikes.Length - Shorts; i += Shorts)
        {
            Vector128<short> mask = AdvSimd.CompareGreaterThan(Load128(v, i), Load128(theta, i));
            Vector64<byte> bits = AdvSimd.And(AdvSimd.ExtractNarrowingLower(mask.AsUInt16()), one);
            Store64(bits, spikes, i);
        }

        Scalar.Threshold(v[i..], theta[i..], spikes[i..]);
    }

    /// <summary>
    /// The NEON fixed-point steps: SQRDMULH is MulQ15, SMULL/SMULL2 widen exactly, SRSHL by −shift rounds,
    /// SQADD saturates, SADDW/SADDW2 widen into a sum and SQXTN/SQXTN2 narrow with saturation.
    /// </summary>
    private readonly struct NeonSimd : ISimd
    {
        public static bool Has256 => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> MulQ15(Vector128<short> a, Vector128<short> b) => AdvSimd.MultiplyRoundedDoublingSaturateHigh(a, b);

        public static Vector256<short> MulQ15(Vector256<short> a, Vector256<short> b) => throw new UnreachableException();

        public static Vector256<short> AddSaturate(Vector256<short> a, Vector256<short> b) => throw new UnreachableException();

        public static Vector256<short> SubtractSaturate(Vector256<short> a, Vector256<short> b) => throw new UnreachableException();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Lo, Vector128<int> Hi) MulWiden(Vector128<short> a, Vector128<short> b) =>
            (AdvSimd.MultiplyWideningLower(a.GetLower(), b.GetLower()), AdvSimd.MultiplyWideningUpper(a, b));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> AddSaturate(Vector128<int> a, Vector128<int> b) => AdvSimd.AddSaturate(a, b);

        /// <summary>SQXTN(w + delta): SADDW widens the weights into the int32 deltas.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> AddNarrow(Vector128<short> w, Vector128<int> dLo, Vector128<int> dHi)
        {
            Vector64<short> lo = AdvSimd.ExtractNarrowingSaturateLower(AdvSimd.AddWideningLower(dLo, w.GetLower()));
            return AdvSimd.ExtractNarrowingSaturateUpper(lo, AdvSimd.AddWideningUpper(dHi, w));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Lo, Vector128<int> Hi) AddWiden(Vector128<int> lo, Vector128<int> hi, Vector128<short> x) =>
            (AdvSimd.AddWideningLower(lo, x.GetLower()), AdvSimd.AddWideningUpper(hi, x));

        /// <summary>XTN, XTN2 (not used by <see cref="ThresholdCore"/>, whose eight-lane body keeps tails short).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> NarrowMasks(Vector128<short> lo, Vector128<short> hi) =>
            AdvSimd.ExtractNarrowingUpper(AdvSimd.ExtractNarrowingLower(lo.AsUInt16()), hi.AsUInt16()).AsByte();

        /// <summary>SMLAL, SMLAL2: accumulate with wrap-around, as the specification does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> MultiplyAddPairs(Vector128<int> acc, Vector128<short> x, Vector128<short> y) =>
            AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningLowerAndAdd(acc, x.GetLower(), y.GetLower()), x, y);

        /// <summary>USHL/SSHL shift right by a negative count in every lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> RightShiftCount(int shift) => Vector128.Create(-shift);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<uint> ShiftRightLogical(Vector128<uint> x, Vector128<int> count) => AdvSimd.ShiftLogical(x, count);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> ShiftRightArithmetic(Vector128<int> x, Vector128<int> count) => AdvSimd.ShiftArithmetic(x, count);

        /// <summary>SRSHL by the negative count is the rounding shift itself; the other two counts are not needed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> ShiftRightRound(Vector128<int> x, Vector128<int> count, Vector128<int> roundCount, Vector128<int> roundBit) =>
            AdvSimd.ShiftArithmeticRounded(x, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store64(Vector64<byte> v, Span<byte> x, int i) =>
        v.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x), (nuint)i);
}
