using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// AVX2 bodies of the complex recurrence kernels, eight elements per iteration in two groups of four int64 lanes.
/// </summary>
/// <remarks>
/// <para>The portable bodies multiply int64 vectors, which x86 can only do natively with AVX-512 (VPMULLQ); without
/// it they are slower than scalar code. Every product here is int32 × int32, so VPMULDQ on sign-extended lanes
/// (VPMOVSXDQ) gives it exactly. Without AVX2 these kernels run the scalar specification.</para>
/// <para>AVX2 has no arithmetic int64 shift either. For a product p (|p| ≤ 2^62) and shift s, the specification's
/// R(p) = floor((p + 2^(s−1)) / 2^s) is computed as ((p + 2^63 + 2^(s−1)) &gt;&gt;&gt; s) − 2^(63−s): the bias
/// 2^63 makes the operand non-negative as an unsigned number, so a logical shift is exact. The − 2^(63−s)
/// terms cancel between a difference of two products and are subtracted once from a sum of two.
/// Sums are clamped to int32 with VPCMPGTQ and the clamped lanes counted.</para>
/// </remarks>
public sealed partial class X86Kernels
{
    protected override int ComplexDiagonalRecurrenceCore(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, int lambdaShift,
        Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> uRe, ReadOnlySpan<int> uIm, int uShift)
    {
        if (!Avx2.IsSupported)
        {
            return Scalar.ComplexDiagonalRecurrence(lambdaRe, lambdaIm, lambdaShift, hRe, hIm, uRe, uIm, uShift);
        }

        var r = new BiasedRound(lambdaShift);
        int saturated = 0, i = 0;
        for (; i <= hRe.Length - 8; i += 8)
        {
            Vector256<long> reLo = Recurrence(lambdaRe, lambdaIm, hRe, hIm, uRe, r, uShift, i, real: true);
            Vector256<long> reHi = Recurrence(lambdaRe, lambdaIm, hRe, hIm, uRe, r, uShift, i + 4, real: true);
            Vector256<long> imLo = Recurrence(lambdaRe, lambdaIm, hRe, hIm, uIm, r, uShift, i, real: false);
            Vector256<long> imHi = Recurrence(lambdaRe, lambdaIm, hRe, hIm, uIm, r, uShift, i + 4, real: false);
            Store256(Clamp32(reLo, reHi, ref saturated), hRe, i);
            Store256(Clamp32(imLo, imHi, ref saturated), hIm, i);
        }

        return saturated + Scalar.ComplexDiagonalRecurrence(
            lambdaRe[i..], lambdaIm[i..], lambdaShift, hRe[i..], hIm[i..], uRe[i..], uIm[i..], uShift);
    }

    protected override int ComplexTraceRowCore(
        Span<int> eRe, Span<int> eIm, int lambdaRe, int lambdaIm, int lambdaShift, int scale, ReadOnlySpan<short> x, int xShift)
    {
        if (!Avx2.IsSupported)
        {
            return Scalar.ComplexTraceRow(eRe, eIm, lambdaRe, lambdaIm, lambdaShift, scale, x, xShift);
        }

        var r = new BiasedRound(lambdaShift);
        var rx = new BiasedRound(xShift);
        Vector256<int> lr = Vector256.Create(lambdaRe), li = Vector256.Create(lambdaIm), sc = Vector256.Create(scale);
        int saturated = 0, j = 0;
        for (; j <= eRe.Length - 8; j += 8)
        {
            Vector256<long> erLo = Widen4(eRe, j), erHi = Widen4(eRe, j + 4), eiLo = Widen4(eIm, j), eiHi = Widen4(eIm, j + 4);
            Vector256<long> xLo = Widen4(x, j), xHi = Widen4(x, j + 4);
            Vector256<long> reLo = r.Shift(Mul(lr, erLo)) - r.Shift(Mul(li, eiLo)) + rx.Shift(Mul(sc, xLo)) - rx.Bias;
            Vector256<long> reHi = r.Shift(Mul(lr, erHi)) - r.Shift(Mul(li, eiHi)) + rx.Shift(Mul(sc, xHi)) - rx.Bias;
            Vector256<long> imLo = r.Shift(Mul(lr, eiLo)) + r.Shift(Mul(li, erLo)) - r.Bias - r.Bias;
            Vector256<long> imHi = r.Shift(Mul(lr, eiHi)) + r.Shift(Mul(li, erHi)) - r.Bias - r.Bias;
            Store256(Clamp32(reLo, reHi, ref saturated), eRe, j);
            Store256(Clamp32(imLo, imHi, ref saturated), eIm, j);
        }

        return saturated + Scalar.ComplexTraceRow(eRe[j..], eIm[j..], lambdaRe, lambdaIm, lambdaShift, scale, x[j..], xShift);
    }

    protected override int ConjugateAccumulateRowCore(
        ReadOnlySpan<int> eRe, ReadOnlySpan<int> eIm, int gRe, int gIm, int gShift, Span<int> accRe, Span<int> accIm)
    {
        if (!Avx2.IsSupported)
        {
            return Scalar.ConjugateAccumulateRow(eRe, eIm, gRe, gIm, gShift, accRe, accIm);
        }

        var r = new BiasedRound(gShift);
        Vector256<int> gr = Vector256.Create(gRe), gi = Vector256.Create(gIm);
        int saturated = 0, j = 0;
        for (; j <= accRe.Length - 8; j += 8)
        {
            Vector256<long> erLo = Widen4(eRe, j), erHi = Widen4(eRe, j + 4), eiLo = Widen4(eIm, j), eiHi = Widen4(eIm, j + 4);
            Vector256<long> reLo = Widen4(accRe, j) + r.Shift(Mul(gr, erLo)) + r.Shift(Mul(gi, eiLo)) - r.Bias - r.Bias;
            Vector256<long> reHi = Widen4(accRe, j + 4) + r.Shift(Mul(gr, erHi)) + r.Shift(Mul(gi, eiHi)) - r.Bias - r.Bias;
            Vector256<long> imLo = Widen4(accIm, j) + r.Shift(Mul(gi, erLo)) - r.Shift(Mul(gr, eiLo));
            Vector256<long> imHi = Widen4(accIm, j + 4) + r.Shift(Mul(gi, erHi)) - r.Shift(Mul(gr, eiHi));
            Store256(Clamp32(reLo, reHi, ref saturated), accRe, j);
            Store256(Clamp32(imLo, imHi, ref saturated), accIm, j);
        }

        return saturated + Scalar.ConjugateAccumulateRow(eRe[j..], eIm[j..], gRe, gIm, gShift, accRe[j..], accIm[j..]);
    }

    /// <summary>Four lanes of λ ⊙ h + Ru(u), real part (real) or imaginary part, unclamped in int64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Recurrence(
        ReadOnlySpan<int> lambdaRe, ReadOnlySpan<int> lambdaIm, Span<int> hRe, Span<int> hIm, ReadOnlySpan<int> u,
        in BiasedRound r, int uShift, int i, bool real)
    {
        Vector256<long> lr = Widen4(lambdaRe, i), li = Widen4(lambdaIm, i), hr = Widen4(hRe, i), hi = Widen4(hIm, i);
        Vector256<long> ru = Avx2.ConvertToVector256Int64(ShiftRightRound(Load128(u, i), uShift));
        return real
            ? r.Shift(Mul(lr, hr)) - r.Shift(Mul(li, hi)) + ru
            : r.Shift(Mul(lr, hi)) + r.Shift(Mul(li, hr)) - r.Bias - r.Bias + ru;
    }

    /// <summary>Exact products of the low int32 of each int64 lane (VPMULDQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Mul(Vector256<long> a, Vector256<long> b) => Avx2.Multiply(a.AsInt32(), b.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Mul(Vector256<int> broadcast, Vector256<long> b) => Avx2.Multiply(broadcast, b.AsInt32());

    /// <summary>Four int32 elements from i, sign-extended to int64 lanes (VPMOVSXDQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Widen4(ReadOnlySpan<int> x, int i) => Avx2.ConvertToVector256Int64(Load128(x, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Widen4(Span<int> x, int i) => Avx2.ConvertToVector256Int64(Load128(x, i));

    /// <summary>Four int16 elements from i, sign-extended to int64 lanes (VPMOVSXWQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Widen4(ReadOnlySpan<short> x, int i) =>
        Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(LoadFour(x, i)).AsInt16());

    /// <summary>Clamps two groups of four int64 lanes to int32, counts the clamped lanes, and packs them in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Clamp32(Vector256<long> lo, Vector256<long> hi, ref int saturated)
    {
        Vector256<long> max = Vector256.Create((long)int.MaxValue), min = Vector256.Create((long)int.MinValue);
        Vector256<long> loAbove = Avx2.CompareGreaterThan(lo, max), loBelow = Avx2.CompareGreaterThan(min, lo);
        Vector256<long> hiAbove = Avx2.CompareGreaterThan(hi, max), hiBelow = Avx2.CompareGreaterThan(min, hi);
        saturated += (BitOperations.PopCount((uint)Avx2.MoveMask((loAbove | loBelow).AsByte()))
            + BitOperations.PopCount((uint)Avx2.MoveMask((hiAbove | hiBelow).AsByte()))) / 8;
        lo = Avx2.BlendVariable(Avx2.BlendVariable(lo.AsByte(), max.AsByte(), loAbove.AsByte()), min.AsByte(), loBelow.AsByte()).AsInt64();
        hi = Avx2.BlendVariable(Avx2.BlendVariable(hi.AsByte(), max.AsByte(), hiAbove.AsByte()), min.AsByte(), hiBelow.AsByte()).AsInt64();
        return PackLow(lo, hi);
    }


    /// <summary>
    /// The specification's rounding shift by s (0 to 62) of an int64 product with |p| ≤ 2^62, on int64 lanes
    /// without an arithmetic shift: <see cref="Shift"/> returns R(p) + <see cref="Bias"/> (or floor(p / 2^s) + Bias).
    /// </summary>
    private readonly struct BiasedRound
    {
        private readonly Vector256<long> _offset;
        private readonly Vector128<long> _count;

        /// <param name="shift">The shift s.</param>
        /// <param name="floor">True for floor(p / 2^s) (no rounding half added) instead of the rounding shift.</param>
        public BiasedRound(int shift, bool floor = false)
        {
            _offset = Vector256.Create(long.MinValue + (shift == 0 || floor ? 0 : 1L << (shift - 1)));
            _count = Vector128.CreateScalar((long)shift);
            Bias = Vector256.Create(unchecked((long)(1UL << (63 - shift))));
        }

        /// <summary>2^(63 − s), wrapping to long.MinValue for s = 0.</summary>
        public Vector256<long> Bias { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<long> Shift(Vector256<long> p) => Avx2.ShiftRightLogical(p + _offset, _count);
    }
}
