using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// Portable <see cref="Vector128{T}"/> bodies. Each loop handles whole vectors and hands the remaining
/// elements to the scalar specification. Widening multiplies keep every int16 product exact in int32.
/// </summary>
public partial class Vector128Kernels : ScalarKernels
{
    private const int Shorts = 8;   // int16 lanes in 128 bits
    private const int Ints = 4;     // int32 lanes in 128 bits

    public override Backend Backend => Backend.Vector128;

    protected override void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(Vector128.AddSaturate(Load128(x, i), Load128(y, i)), dst, i);
        }

        Scalar.Add(x[i..], y[i..], dst[i..]);
    }

    protected override void SubtractCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(Vector128.SubtractSaturate(Load128(x, i), Load128(y, i)), dst, i);
        }

        Scalar.Subtract(x[i..], y[i..], dst[i..]);
    }

    protected override void AddCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst)
    {
        int i = 0;
        for (; i <= dst.Length - Ints; i += Ints)
        {
            Store128(Vector128.AddSaturate(Load128(x, i), Load128(y, i)), dst, i);
        }

        Scalar.Add(x[i..], y[i..], dst[i..]);
    }

    protected override void SubtractCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst)
    {
        int i = 0;
        for (; i <= dst.Length - Ints; i += Ints)
        {
            Store128(Vector128.SubtractSaturate(Load128(x, i), Load128(y, i)), dst, i);
        }

        Scalar.Subtract(x[i..], y[i..], dst[i..]);
    }

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst)
    {
        Vector128<short> s = Vector128.Create(scale);
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(MulQ15(Load128(x, i), s), dst, i);
        }

        Scalar.ScaleQ15(x[i..], scale, dst[i..]);
    }

    protected override void ClampCore(ReadOnlySpan<short> x, short lo, short hi, Span<short> dst)
    {
        Vector128<short> vlo = Vector128.Create(lo), vhi = Vector128.Create(hi);
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Store128(Vector128.Min(Vector128.Max(Load128(x, i), vlo), vhi), dst, i);
        }

        Scalar.Clamp(x[i..], lo, hi, dst[i..]);
    }

    protected override void NarrowRoundCore(ReadOnlySpan<int> x, int shift, Span<short> dst)
    {
        int i = 0;
        for (; i <= dst.Length - Shorts; i += Shorts)
        {
            Vector128<int> lo = ShiftRightRound(Load128(x, i), shift);
            Vector128<int> hi = ShiftRightRound(Load128(x, i + Ints), shift);
            Store128(Vector128.NarrowWithSaturation(lo, hi), dst, i);
        }

        Scalar.NarrowRound(x[i..], shift, dst[i..]);
    }

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

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        Vector128<int> acc = Vector128<int>.Zero;
        int i = 0;
        for (; i <= x.Length - Shorts; i += Shorts)
        {
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(Load128(x, i), Load128(y, i));
            acc += lo + hi;
        }

        return unchecked(Vector128.Sum(acc) + Scalar.DotInt32(x[i..], y[i..]));
    }

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc)
    {
        int i = 0;
        for (; i <= acc.Length - Shorts; i += Shorts)
        {
            (Vector128<int> lo, Vector128<int> hi) = Vector128.Widen(Load128(x, i));
            Store128(Load128(acc, i) + lo, acc, i);
            Store128(Load128(acc, i + Ints) + hi, acc, i + Ints);
        }

        Scalar.AddWiden(x[i..], acc[i..]);
    }

    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x)
    {
        Vector128<short> va = Vector128.Create(a);
        int j = 0;
        for (; j <= e.Length - Shorts; j += Shorts)
        {
            Store128(Vector128.AddSaturate(MulQ15(va, Load128(e, j)), Load128(x, j)), e, j);
        }

        Scalar.TraceRow(e[j..], a, x[j..]);
    }

    protected override void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g)
    {
        Vector128<short> va = Vector128.Create(a), vc = Vector128.Create(c);
        int j = 0;
        for (; j <= e.Length - Shorts; j += Shorts)
        {
            Vector128<short> updated = Vector128.AddSaturate(MulQ15(va, Load128(e, j)), Load128(x, j));
            Store128(updated, e, j);
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(vc, updated);
            Store128(Vector128.AddSaturate(Load128(g, j), ShiftRightRound(lo, shift)), g, j);
            Store128(Vector128.AddSaturate(Load128(g, j + Ints), ShiftRightRound(hi, shift)), g, j + Ints);
        }

        Scalar.TraceAccumulateRow(e[j..], a, x[j..], c, shift, g[j..]);
    }

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes)
    {
        Vector128<short> vu = Vector128.Create(u);
        int j = 0;
        for (; j <= w.Length - Shorts; j += Shorts)
        {
            // Columns j..j+7 own lanes (j mod 16)..+7: the vector body starts at 0 and steps by 8.
            Span<uint> lanes = rngLanes.Slice(j % StochasticRounding.Lanes, Shorts);
            Vector128<int> offLo = StochasticRounding.NextOffsets(lanes, 0, shift);
            Vector128<int> offHi = StochasticRounding.NextOffsets(lanes, Ints, shift);
            (Vector128<int> lo, Vector128<int> hi) = MulWiden(vu, Load128(v, j));
            Vector128<int> dLo = Vector128.ShiftRightArithmetic(lo + offLo, shift);
            Vector128<int> dHi = Vector128.ShiftRightArithmetic(hi + offHi, shift);
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

    protected override void ComplexMultiplyAccumulateCore(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm)
    {
        int i = 0;
        for (; i <= accRe.Length - Shorts; i += Shorts)
        {
            Vector128<short> ar = Load128(aRe, i), ai = Load128(aIm, i), br = Load128(bRe, i), bi = Load128(bIm, i);
            (Vector128<int> rrLo, Vector128<int> rrHi) = MulWiden(ar, br);
            (Vector128<int> iiLo, Vector128<int> iiHi) = MulWiden(ai, bi);
            (Vector128<int> riLo, Vector128<int> riHi) = MulWiden(ar, bi);
            (Vector128<int> irLo, Vector128<int> irHi) = MulWiden(ai, br);
            ComplexMacHalf(accRe, accIm, i, rrLo, iiLo, riLo, irLo);
            ComplexMacHalf(accRe, accIm, i + Ints, rrHi, iiHi, riHi, irHi);
        }

        Scalar.ComplexMultiplyAccumulate(aRe[i..], aIm[i..], bRe[i..], bIm[i..], accRe[i..], accIm[i..]);
    }

    protected override void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes)
    {
        int i = 0;
        for (; i <= spikes.Length - (2 * Shorts); i += 2 * Shorts)
        {
            Vector128<short> lo = Vector128.GreaterThan(Load128(v, i), Load128(theta, i));
            Vector128<short> hi = Vector128.GreaterThan(Load128(v, i + Shorts), Load128(theta, i + Shorts));
            Store128(Vector128.Narrow(lo, hi).AsByte() & Vector128<byte>.One, spikes, i);
        }

        Scalar.Threshold(v[i..], theta[i..], spikes[i..]);
    }

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

    /// <summary>w[j..j+7] = sat16(w + delta) for two int32 halves of deltas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreAddNarrow(Span<short> w, int j, Vector128<int> dLo, Vector128<int> dHi)
    {
        (Vector128<int> wlo, Vector128<int> whi) = Vector128.Widen(Load128(w, j));
        Store128(Vector128.NarrowWithSaturation(wlo + dLo, whi + dHi), w, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ComplexMacHalf(Span<int> accRe, Span<int> accIm, int i, Vector128<int> rr, Vector128<int> ii, Vector128<int> ri, Vector128<int> ir)
    {
        Store128(Vector128.SubtractSaturate(Vector128.AddSaturate(Load128(accRe, i), rr), ii), accRe, i);
        Store128(Vector128.AddSaturate(Vector128.AddSaturate(Load128(accIm, i), ri), ir), accIm, i);
    }
}
