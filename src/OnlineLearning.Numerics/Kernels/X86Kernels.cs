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
    private const int Ints = 4;
    private const int Shorts256 = 16;

    public static bool IsSupported => Sse41.IsSupported && Ssse3.IsSupported;

    public override Backend Backend => Backend.X86;

    protected override void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i <= dst.Length - Shorts256; i += Shorts256)
            {
                Store256(Avx2.AddSaturate(Load256(x, i), Load256(y, i)), dst, i);
            }
        }

        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(Sse2.AddSaturate(Load128(x, i), Load128(y, i)), dst, i);
        }

        Scalar.Add(x[i..], y[i..], dst[i..]);
    }

    protected override void SubtractCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i <= dst.Length - Shorts256; i += Shorts256)
            {
                Store256(Avx2.SubtractSaturate(Load256(x, i), Load256(y, i)), dst, i);
            }
        }

        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(Sse2.SubtractSaturate(Load128(x, i), Load128(y, i)), dst, i);
        }

        Scalar.Subtract(x[i..], y[i..], dst[i..]);
    }

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            Vector256<short> s256 = Vector256.Create(scale);
            for (; i <= dst.Length - Shorts256; i += Shorts256)
            {
                Store256(MulQ15(Load256(x, i), s256), dst, i);
            }
        }

        Vector128<short> s = Vector128.Create(scale);
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(MulQ15(Load128(x, i), s), dst, i);
        }

        Scalar.ScaleQ15(x[i..], scale, dst[i..]);
    }

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

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        // PMADDWD's one wrapping case is still right modulo 2^32, which is all this kernel promises.
        Vector128<int> acc = Vector128<int>.Zero;
        int i = 0;
        for (; i <= x.Length - Shorts; i += Shorts)
        {
            acc = Sse2.Add(acc, Sse2.MultiplyAddAdjacent(Load128(x, i), Load128(y, i)));
        }

        return unchecked(Vector128.Sum(acc) + Scalar.DotInt32(x[i..], y[i..]));
    }

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc)
    {
        int i = 0;
        for (; i <= acc.Length - Shorts; i += Shorts)
        {
            (Vector128<int> lo, Vector128<int> hi) = Widen(Load128(x, i));
            Store128(Sse2.Add(Load128(acc, i), lo), acc, i);
            Store128(Sse2.Add(Load128(acc, i + Ints), hi), acc, i + Ints);
        }

        Scalar.AddWiden(x[i..], acc[i..]);
    }

    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x)
    {
        int j = 0;
        if (Avx2.IsSupported)
        {
            Vector256<short> va256 = Vector256.Create(a);
            for (; j <= e.Length - Shorts256; j += Shorts256)
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
        Vector128<short> va = Vector128.Create(a), vc = Vector128.Create(c);
        int j = 0;
        for (; j <= e.Length - Shorts; j += Shorts)
        {
            Vector128<short> updated = Sse2.AddSaturate(MulQ15(va, Load128(e, j)), Load128(x, j));
            Store128(updated, e, j);
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(vc, updated);
            Store128(AddSat32(Load128(g, j), ShiftRightRound(lo, shift)), g, j);
            Store128(AddSat32(Load128(g, j + Ints), ShiftRightRound(hi, shift)), g, j + Ints);
        }

        Scalar.TraceAccumulateRow(e[j..], a, x[j..], c, shift, g[j..]);
    }

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes)
    {
        Vector128<short> vu = Vector128.Create(u);
        Vector128<int> down = Vector128.CreateScalar(shift);
        int j = 0;
        for (; j <= w.Length - Shorts; j += Shorts)
        {
            int lane = j % StochasticRounding.Lanes;
            Vector128<int> offLo = StochasticRounding.NextOffsets(rngLanes, lane, shift);
            Vector128<int> offHi = StochasticRounding.NextOffsets(rngLanes, lane + Ints, shift);
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(vu, Load128(v, j));
            Vector128<int> dLo = Sse2.ShiftRightArithmetic(Sse2.Add(lo, offLo), down);
            Vector128<int> dHi = Sse2.ShiftRightArithmetic(Sse2.Add(hi, offHi), down);
            StoreAddNarrow(w, j, dLo, dHi);
        }

        Scalar.Rank1StochasticRow(w[j..], u, v[j..], shift, rngLanes, j);
    }

    protected override void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift)
    {
        Vector128<short> vu = Vector128.Create(u);
        int j = 0;
        for (; j <= w.Length - Shorts; j += Shorts)
        {
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(vu, Load128(v, j));
            StoreAddNarrow(w, j, ShiftRightRound(lo, shift), ShiftRightRound(hi, shift));
        }

        Scalar.Rank1NearestRow(w[j..], u, v[j..], shift);
    }

    protected override void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes)
    {
        Vector128<byte> one = Vector128<byte>.One;
        int i = 0;
        for (; i <= spikes.Length - (2 * Shorts); i += 2 * Shorts)
        {
            Vector128<short> lo = Sse2.CompareGreaterThan(Load128(v, i), Load128(theta, i));
            Vector128<short> hi = Sse2.CompareGreaterThan(Load128(v, i + Shorts), Load128(theta, i + Shorts));
            Store128(Sse2.And(Sse2.PackSignedSaturate(lo, hi).AsByte(), one), spikes, i);
        }

        Scalar.Threshold(v[i..], theta[i..], spikes[i..]);
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreAddNarrow(Span<short> w, int j, Vector128<int> dLo, Vector128<int> dHi)
    {
        (Vector128<int> wlo, Vector128<int> whi) = Widen(Load128(w, j));
        Store128(Sse2.PackSignedSaturate(Sse2.Add(wlo, dLo), Sse2.Add(whi, dHi)), w, j);
    }
}
