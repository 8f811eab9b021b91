using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// SSE2/SSSE3/SSE4.1 bodies for x86-64, with AVX2 256-bit main loops where the CPU has AVX2. On an AVX2
/// machine a length's remainder of 8 or more still runs the 128-bit SSE body, so both are exercised.
/// Clamp, NarrowRound, int32 add/subtract and the complex MAC inherit the portable bodies, which the JIT already lowers to PMINSW/PMAXSW and
/// PSRAD/PACKSSDW, and saturating int32 arithmetic to the same sign-bit emulation as <see cref="AddSat32"/>;
/// writing them again in intrinsics would add nothing.
/// </summary>
/// <remarks>
/// Two x86 traps and their fixes:
/// <list type="bullet">
/// <item>PMULHRSW wraps -32768 * -32768 to -32768 where SQRDMULH and the specification saturate to 32767.
/// -32768 cannot come out of PMULHRSW any other way, so every -32768 lane is flipped to 32767.</item>
/// <item>PMADDWD wraps the pair sum 2 * (-32768 * -32768) = 2^31 to int.MinValue. No pair sum is truly
/// int.MinValue (the least is -2^31 + 2^16), so the exact dot sums (pair - 1) in int64 and adds the pair count back.</item>
/// </list>
/// x86 has no saturating int32 add; <see cref="AddSat32"/> (used by the fused trace kernel) detects overflow from the sign bits.
/// </remarks>
public sealed partial class X86Kernels : Vector128Kernels
{
    private const int Shorts = 8;
    private const int Shorts256 = 16;

    public static bool IsSupported => Sse41.IsSupported && Ssse3.IsSupported;

    public override Backend Backend => Backend.X86;

    protected override void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) =>
        VectorLoops.Binary(x, y, dst, default(AddSaturate16Operator<X86Simd>));

    protected override void SubtractCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) =>
        VectorLoops.Binary(x, y, dst, default(SubtractSaturate16Operator<X86Simd>));

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst) =>
        VectorLoops.Unary(x, dst, new ScaleQ15Operator<X86Simd>(scale));

    protected override long DotCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        // Each PMADDWD lane is a pair sum; (pair - 1) cannot wrap, so it is summed in int64 and the
        // number of pairs is added back at the end (see the remarks on this class).
        long pairs = 0;
        int i = 0;
        if (Avx2.IsSupported)
        {
            Vector256<long> acc256 = Vector256<long>.Zero;
            Vector256<int> one256 = Vector256<int>.One;
            for (; i <= x.Length - Shorts256; i += Shorts256)
            {
                Vector256<int> p = Avx2.Subtract(Avx2.MultiplyAddAdjacent(Load256(x, i), Load256(y, i)), one256);
                acc256 = Avx2.Add(acc256, Avx2.Add(Avx2.ConvertToVector256Int64(p.GetLower()), Avx2.ConvertToVector256Int64(p.GetUpper())));
                pairs += 8;
            }

            Vector128<long> folded = Sse2.Add(acc256.GetLower(), acc256.GetUpper());
            pairs += folded.GetElement(0) + folded.GetElement(1);
        }

        Vector128<long> acc = Vector128<long>.Zero;
        Vector128<int> one = Vector128<int>.One;
        for (; i <= x.Length - Shorts; i += Shorts)
        {
            Vector128<int> p = Sse2.Subtract(Sse2.MultiplyAddAdjacent(Load128(x, i), Load128(y, i)), one);
            Vector128<long> lo = Sse41.ConvertToVector128Int64(p);
            Vector128<long> hi = Sse41.ConvertToVector128Int64(Sse2.ShiftRightLogical128BitLane(p, 8));
            acc = Sse2.Add(acc, Sse2.Add(lo, hi));
            pairs += 4;
        }

        return pairs + acc.GetElement(0) + acc.GetElement(1) + Scalar.Dot(x[i..], y[i..]);
    }

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y) => VectorLoops.DotInt32<X86Simd>(x, y);

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc) => VectorLoops.AddWiden<X86Simd>(x, acc);

    /// <remarks>
    /// Hand-written rather than <see cref="VectorLoops.Row{TOp}"/>: through the driver both loads are taken
    /// before the arithmetic, so the JIT no longer folds them into VPMULHRSW/VPADDSW, and this body measured
    /// about 5% slower that way at 16 x 64 and 16 x 256.
    /// </remarks>
    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x)
    {
        int j = 0;
        if (Avx2.IsSupported)
        {
            Vector256<short> va256 = Vector256.Create(a);
            for (; j <= e.Length - 16; j += 16)
            {
                Store256(Avx2.AddSaturate(MulQ15(va256, Load256(e, j)), Load256(x, j)), e, j);
            }
        }

        Vector128<short> va = Vector128.Create(a);
        for (; j <= e.Length - Shorts; j += Shorts)
        {
            Store128(Sse2.AddSaturate(MulQ15(va, Load128(e, j)), Load128(x, j)), e, j);
        }

        Scalar.TraceRow(e[j..], a, x[j..]);
    }

    protected override void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g)
    {
        int j = Avx2.IsSupported ? TraceAccumulate256(e, a, x, c, shift, g) : 0;
        VectorLoops.RowAccumulate(e[j..], x[j..], g[j..], new TraceAccumulateOperator<X86Simd>(a, c, shift));
    }

    /// <summary>
    /// The AVX2 part of the trace row with accumulation, 16 per iteration (the shared 128-bit driver takes the rest):
    /// c · e is exact in int32 (|c · e| ≤ 2^30), widened in order with VPMOVSXWD. Returns the elements it did.
    /// </summary>
    private static int TraceAccumulate256(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g)
    {
        Vector256<short> va = Vector256.Create(a);
        Vector256<int> vc = Vector256.Create((int)c);
        int j = 0;
        for (; j <= e.Length - Shorts256; j += Shorts256)
        {
            Vector256<short> updated = Avx2.AddSaturate(MulQ15(va, Load256(e, j)), Load256(x, j));
            Store256(updated, e, j);
            Vector256<int> lo = ShiftRightRound(Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(updated.GetLower()), vc), shift);
            Vector256<int> hi = ShiftRightRound(Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(updated.GetUpper()), vc), shift);
            Store256(AddSat32(Load256(g, j), lo), g, j);
            Store256(AddSat32(Load256(g, j + 8), hi), g, j + 8);
        }

        return j;
    }

    /// <summary>sat32(x + y) on eight lanes: overflow only when x and y share a sign the sum does not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> AddSat32(Vector256<int> x, Vector256<int> y)
    {
        Vector256<int> sum = x + y;
        Vector256<int> overflow = Avx2.ShiftRightArithmetic((x ^ sum) & (y ^ sum), 31);
        Vector256<int> saturated = Avx2.ShiftRightArithmetic(x, 31) ^ Vector256.Create(int.MaxValue);
        return Avx2.BlendVariable(sum.AsByte(), saturated.AsByte(), overflow.AsByte()).AsInt32();
    }

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes) =>
        VectorLoops.StochasticRow(w, v, rngLanes, new Rank1StochasticOperator<X86Simd>(u, shift));

    protected override void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift) =>
        VectorLoops.Row(w, v, new Rank1NearestOperator<X86Simd>(u, shift));

    protected override void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes) =>
        VectorLoops.Threshold<X86Simd>(v, theta, spikes);

    /// <summary>PMULHRSW with the -32768 * -32768 lane fixed to saturate (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> MulQ15(Vector128<short> a, Vector128<short> b)
    {
        Vector128<short> r = Ssse3.MultiplyHighRoundScale(a, b);
        return Sse2.Xor(r, Sse2.CompareEqual(r, Vector128.Create(short.MinValue)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> MulQ15(Vector256<short> a, Vector256<short> b)
    {
        Vector256<short> r = Avx2.MultiplyHighRoundScale(a, b);
        return Avx2.Xor(r, Avx2.CompareEqual(r, Vector256.Create(short.MinValue)));
    }

    /// <summary>Exact products: PMULLW and PMULHW give the low and high halves, interleaving rebuilds int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> Lo, Vector128<int> Hi) MulWiden(Vector128<short> a, Vector128<short> b)
    {
        Vector128<short> low = Sse2.MultiplyLow(a, b), high = Sse2.MultiplyHigh(a, b);
        return (Sse2.UnpackLow(low, high).AsInt32(), Sse2.UnpackHigh(low, high).AsInt32());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> Lo, Vector128<int> Hi) Widen(Vector128<short> x) =>
        (Sse41.ConvertToVector128Int32(x), Sse41.ConvertToVector128Int32(Sse2.ShiftRightLogical128BitLane(x, 8)));

    /// <summary>Saturating int32 add: overflow iff both operands' signs differ from the sum's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> AddSat32(Vector128<int> a, Vector128<int> b)
    {
        Vector128<int> sum = Sse2.Add(a, b);
        Vector128<int> overflow = Sse2.ShiftRightArithmetic(Sse2.And(Sse2.Xor(a, sum), Sse2.Xor(b, sum)), 31);
        return Select(overflow, SaturationValue(a), sum);
    }

    /// <summary>int.MaxValue where a is non-negative, int.MinValue where a is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> SaturationValue(Vector128<int> a) =>
        Sse2.Xor(Sse2.ShiftRightArithmetic(a, 31), Vector128.Create(int.MaxValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Select(Vector128<int> mask, Vector128<int> whenSet, Vector128<int> whenClear) =>
        Sse2.Or(Sse2.And(mask, whenSet), Sse2.AndNot(mask, whenClear));

    /// <summary>Overflow-free rounding shift: (x >> s) + ((x >> (s - 1)) &amp; 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ShiftRightRound(Vector128<int> x, int shift)
    {
        if (shift == 0)
        {
            return x;
        }

        Vector128<int> truncated = Sse2.ShiftRightArithmetic(x, Vector128.CreateScalar(shift));
        Vector128<int> roundBit = Sse2.And(Sse2.ShiftRightArithmetic(x, Vector128.CreateScalar(shift - 1)), Vector128<int>.One);
        return Sse2.Add(truncated, roundBit);
    }

    /// <summary>
    /// The x86 fixed-point steps: PMULHRSW with the −32768 lane fixed (<see cref="MulQ15(Vector128{short}, Vector128{short})"/>),
    /// PMULLW/PMULHW interleaved for exact products, the sign-bit int32 saturation of <see cref="AddSat32"/>,
    /// PMOVSXWD and PACKSSDW to widen and narrow; the 256-bit members are AVX2 and run only when the CPU has it.
    /// </summary>
    private readonly struct X86Simd : ISimd
    {
        public static bool Has256 => Avx2.IsSupported;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> MulQ15(Vector128<short> a, Vector128<short> b) => X86Kernels.MulQ15(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> MulQ15(Vector256<short> a, Vector256<short> b) => X86Kernels.MulQ15(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> AddSaturate(Vector256<short> a, Vector256<short> b) => Avx2.AddSaturate(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> SubtractSaturate(Vector256<short> a, Vector256<short> b) => Avx2.SubtractSaturate(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Lo, Vector128<int> Hi) MulWiden(Vector128<short> a, Vector128<short> b) => X86Kernels.MulWiden(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> AddSaturate(Vector128<int> a, Vector128<int> b) => AddSat32(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> AddNarrow(Vector128<short> w, Vector128<int> dLo, Vector128<int> dHi)
        {
            (Vector128<int> wlo, Vector128<int> whi) = Widen(w);
            return Sse2.PackSignedSaturate(Sse2.Add(wlo, dLo), Sse2.Add(whi, dHi));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Lo, Vector128<int> Hi) AddWiden(Vector128<int> lo, Vector128<int> hi, Vector128<short> x)
        {
            (Vector128<int> xlo, Vector128<int> xhi) = Widen(x);
            return (Sse2.Add(lo, xlo), Sse2.Add(hi, xhi));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> NarrowMasks(Vector128<short> lo, Vector128<short> hi) => Sse2.PackSignedSaturate(lo, hi).AsByte();

        /// <summary>PMADDWD: its one wrapping pair sum is still right modulo 2^32, which is all DotInt32 promises.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> MultiplyAddPairs(Vector128<int> acc, Vector128<short> x, Vector128<short> y) =>
            Sse2.Add(acc, Sse2.MultiplyAddAdjacent(x, y));

        /// <summary>PSRLD/PSRAD take the count in the low 64 bits of a register.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> RightShiftCount(int shift) => Vector128.CreateScalar(shift);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<uint> ShiftRightLogical(Vector128<uint> x, Vector128<int> count) => Sse2.ShiftRightLogical(x, count.AsUInt32());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> ShiftRightArithmetic(Vector128<int> x, Vector128<int> count) => Sse2.ShiftRightArithmetic(x, count);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> ShiftRightRound(Vector128<int> x, Vector128<int> count, Vector128<int> roundCount, Vector128<int> roundBit) =>
            Sse2.Add(Sse2.ShiftRightArithmetic(x, count), Sse2.And(Sse2.ShiftRightArithmetic(x, roundCount), roundBit));
    }
}
