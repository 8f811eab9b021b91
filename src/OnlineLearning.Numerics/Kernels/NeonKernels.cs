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
    private const int Ints = 4;

    public static bool IsSupported => AdvSimd.Arm64.IsSupported;

    public override Backend Backend => Backend.Neon;

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst)
    {
        Vector128<short> s = Vector128.Create(scale);
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(AdvSimd.MultiplyRoundedDoublingSaturateHigh(Load128(x, i), s), dst, i);
        }

        Scalar.ScaleQ15(x[i..], scale, dst[i..]);
    }

    protected override void NarrowRoundCore(ReadOnlySpan<int> x, int shift, Span<short> dst)
    {
        Vector128<int> count = Vector128.Create(-shift);
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Vector64<short> lo = AdvSimd.ExtractNarrowingSaturateLower(AdvSimd.ShiftArithmeticRounded(Load128(x, i), count));
            Vector128<short> both = AdvSimd.ExtractNarrowingSaturateUpper(lo, AdvSimd.ShiftArithmeticRounded(Load128(x, i + Ints), count));
            Store128(both, dst, i);
        }

        Scalar.NarrowRound(x[i..], shift, dst[i..]);
    }

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

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        // SMLAL/SMLAL2 accumulate with wrap-around, as the specification does.
        Vector128<int> acc = Vector128<int>.Zero;
        int i = 0;
        for (; i <= x.Length - Shorts; i += Shorts)
        {
            Vector128<short> a = Load128(x, i), b = Load128(y, i);
            acc = AdvSimd.MultiplyWideningLowerAndAdd(acc, a.GetLower(), b.GetLower());
            acc = AdvSimd.MultiplyWideningUpperAndAdd(acc, a, b);
        }

        return unchecked(AdvSimd.Arm64.AddAcross(acc).ToScalar() + Scalar.DotInt32(x[i..], y[i..]));
    }

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc)
    {
        int i = 0;
        for (; i <= acc.Length - Shorts; i += Shorts)
        {
            Vector128<short> v = Load128(x, i);
            Store128(AdvSimd.AddWideningLower(Load128(acc, i), v.GetLower()), acc, i);
            Store128(AdvSimd.AddWideningUpper(Load128(acc, i + Ints), v), acc, i + Ints);
        }

        Scalar.AddWiden(x[i..], acc[i..]);
    }

    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x)
    {
        Vector128<short> va = Vector128.Create(a);
        int j = 0;
        for (; j <= e.Length - Shorts; j += Shorts)
        {
            Store128(AdvSimd.AddSaturate(AdvSimd.MultiplyRoundedDoublingSaturateHigh(va, Load128(e, j)), Load128(x, j)), e, j);
        }

        Scalar.TraceRow(e[j..], a, x[j..]);
    }

    protected override void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g)
    {
        Vector128<short> va = Vector128.Create(a), vc = Vector128.Create(c);
        Vector128<int> count = Vector128.Create(-shift);
        int j = 0;
        for (; j <= e.Length - Shorts; j += Shorts)
        {
            Vector128<short> updated = AdvSimd.AddSaturate(AdvSimd.MultiplyRoundedDoublingSaturateHigh(va, Load128(e, j)), Load128(x, j));
            Store128(updated, e, j);
            Vector128<int> lo = AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningLower(vc.GetLower(), updated.GetLower()), count);
            Vector128<int> hi = AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(vc, updated), count);
            Store128(AdvSimd.AddSaturate(Load128(g, j), lo), g, j);
            Store128(AdvSimd.AddSaturate(Load128(g, j + Ints), hi), g, j + Ints);
        }

        Scalar.TraceAccumulateRow(e[j..], a, x[j..], c, shift, g[j..]);
    }

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes)
    {
        Vector128<short> vu = Vector128.Create(u);
        Vector128<int> down = Vector128.Create(-shift);
        int j = 0;
        for (; j <= w.Length - Shorts; j += Shorts)
        {
            int lane = j % StochasticRounding.Lanes;
            Vector128<int> offLo = StochasticRounding.NextOffsets(rngLanes, lane, shift);
            Vector128<int> offHi = StochasticRounding.NextOffsets(rngLanes, lane + Ints, shift);
            Vector128<short> vv = Load128(v, j);
            // SSHL by a negative count is a truncating (floor) arithmetic shift: floor((p + r) / 2^shift).
            Vector128<int> dLo = AdvSimd.ShiftArithmetic(AdvSimd.Add(AdvSimd.MultiplyWideningLower(vu.GetLower(), vv.GetLower()), offLo), down);
            Vector128<int> dHi = AdvSimd.ShiftArithmetic(AdvSimd.Add(AdvSimd.MultiplyWideningUpper(vu, vv), offHi), down);
            StoreAddNarrow(w, j, dLo, dHi);
        }

        Scalar.Rank1StochasticRow(w[j..], u, v[j..], shift, rngLanes, j);
    }

    protected override void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift)
    {
        Vector128<short> vu = Vector128.Create(u);
        Vector128<int> count = Vector128.Create(-shift);
        int j = 0;
        for (; j <= w.Length - Shorts; j += Shorts)
        {
            Vector128<short> vv = Load128(v, j);
            Vector128<int> dLo = AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningLower(vu.GetLower(), vv.GetLower()), count);
            Vector128<int> dHi = AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(vu, vv), count);
            StoreAddNarrow(w, j, dLo, dHi);
        }

        Scalar.Rank1NearestRow(w[j..], u, v[j..], shift);
    }

    protected override void ComplexMultiplyAccumulateCore(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm)
    {
        int i = 0;
        for (; i <= accRe.Length - Shorts; i += Shorts)
        {
            Vector128<short> ar = Load128(aRe, i), ai = Load128(aIm, i), br = Load128(bRe, i), bi = Load128(bIm, i);
            ComplexMacHalf(accRe, accIm, i,
                AdvSimd.MultiplyWideningLower(ar.GetLower(), br.GetLower()), AdvSimd.MultiplyWideningLower(ai.GetLower(), bi.GetLower()),
                AdvSimd.MultiplyWideningLower(ar.GetLower(), bi.GetLower()), AdvSimd.MultiplyWideningLower(ai.GetLower(), br.GetLower()));
            ComplexMacHalf(accRe, accIm, i + Ints,
                AdvSimd.MultiplyWideningUpper(ar, br), AdvSimd.MultiplyWideningUpper(ai, bi),
                AdvSimd.MultiplyWideningUpper(ar, bi), AdvSimd.MultiplyWideningUpper(ai, br));
        }

        Scalar.ComplexMultiplyAccumulate(aRe[i..], aIm[i..], bRe[i..], bIm[i..], accRe[i..], accIm[i..]);
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ComplexMacHalf(Span<int> accRe, Span<int> accIm, int i, Vector128<int> rr, Vector128<int> ii, Vector128<int> ri, Vector128<int> ir)
    {
        Store128(AdvSimd.SubtractSaturate(AdvSimd.AddSaturate(Load128(accRe, i), rr), ii), accRe, i);
        Store128(AdvSimd.AddSaturate(AdvSimd.AddSaturate(Load128(accIm, i), ri), ir), accIm, i);
    }

    /// <summary>w[j..j+7] = SQXTN(w + delta): SADDW widens the weights into the int32 deltas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreAddNarrow(Span<short> w, int j, Vector128<int> dLo, Vector128<int> dHi)
    {
        Vector128<short> wv = Load128(w, j);
        Vector64<short> lo = AdvSimd.ExtractNarrowingSaturateLower(AdvSimd.AddWideningLower(dLo, wv.GetLower()));
        Store128(AdvSimd.ExtractNarrowingSaturateUpper(lo, AdvSimd.AddWideningUpper(dHi, wv)), w, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store64(Vector64<byte> v, Span<byte> x, int i) =>
        v.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x), (nuint)i);
}
