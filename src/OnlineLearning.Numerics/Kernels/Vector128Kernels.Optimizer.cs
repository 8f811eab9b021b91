using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// The two steps of the fused optimiser update whose best instructions differ between ISAs, each on four
/// int32 lanes. <see cref="Vector128Kernels.SgdUpdate128{TOps}"/> drives them; everything else in the
/// update (extreme counts, xorshift lanes, rounding to the working values) is plain Vector128 code.
/// </summary>
internal interface ISgdOps
{
    /// <summary>False when these bodies cannot reproduce the specification for the arguments (the driver then runs the scalar loop).</summary>
    static abstract bool Supports(long learningRateQ);

    /// <summary>sat32(<see cref="QMath.MulShiftRound"/>(v, μ, 15) + g).</summary>
    static abstract Vector128<int> Momentum(Vector128<int> v, short momentumQ15, Vector128<int> g);

    /// <summary>sat32(master − ((step · lr + offset) &gt;&gt; shift)), computed in int64.</summary>
    static abstract Vector128<int> Descend(Vector128<int> master, Vector128<int> step, long learningRateQ, Vector128<int> offset, int shift);
}

/// <summary>Portable bodies of the fused optimiser update.</summary>
public partial class Vector128Kernels
{
    protected override SgdCounts SgdUpdateCore(in SgdArgs args, Span<short> values16, Span<int> values32) =>
        SgdUpdate128<PortableSgdOps>(args, values16, values32);

    /// <summary>
    /// Loop driver of the fused update: 16 elements per iteration, one vector of four xorshift lanes per four
    /// elements, so element i always draws from lane i mod 16; the last 0 to 15 elements run the specification.
    /// </summary>
    internal static SgdCounts SgdUpdate128<TOps>(in SgdArgs a, Span<short> values16, Span<int> values32)
        where TOps : ISgdOps
    {
        Span<int> g = a.Gradient, v = a.Velocity, master = a.Master;
        if (!TOps.Supports(a.LearningRateQ))
        {
            return Scalar.SgdUpdate(a, values16, values32, 0);
        }

        Span<uint> lanes = a.RngLanes;
        Vector128<uint> l0 = Load128(lanes, 0), l1 = Load128(lanes, 4), l2 = Load128(lanes, 8), l3 = Load128(lanes, 12);
        Vector128<int> extremes = Vector128<int>.Zero, saturations = Vector128<int>.Zero;
        bool momentum = !v.IsEmpty, wide = values16.IsEmpty;
        int i = 0;
        for (; i <= g.Length - 16; i += 16)
        {
            Vector128<int> r0 = Element4<TOps>(a, momentum, i, ref l0, ref extremes);
            Vector128<int> r1 = Element4<TOps>(a, momentum, i + 4, ref l1, ref extremes);
            Vector128<int> r2 = Element4<TOps>(a, momentum, i + 8, ref l2, ref extremes);
            Vector128<int> r3 = Element4<TOps>(a, momentum, i + 12, ref l3, ref extremes);
            if (wide)
            {
                Store128(r0, values32, i);
                Store128(r1, values32, i + 4);
                Store128(r2, values32, i + 8);
                Store128(r3, values32, i + 12);
            }
            else
            {
                saturations -= OutsideInt16(r0) + OutsideInt16(r1) + OutsideInt16(r2) + OutsideInt16(r3);
                Store128(Vector128.NarrowWithSaturation(r0, r1), values16, i);
                Store128(Vector128.NarrowWithSaturation(r2, r3), values16, i + 8);
            }
        }

        Store128(l0, lanes, 0);
        Store128(l1, lanes, 4);
        Store128(l2, lanes, 8);
        Store128(l3, lanes, 12);
        SgdCounts tail = Scalar.SgdUpdate(a.From(i), wide ? values16 : values16[i..], wide ? values32[i..] : values32, i);
        return new SgdCounts(
            tail.ValueSaturations + Vector128.Sum(saturations),
            tail.GradientExtremes - Vector128.Sum(extremes));
    }

    /// <summary>Elements i..i+3: counts extremes (as −1 per lane), clears g, runs momentum and descent, returns the rounded value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Element4<TOps>(in SgdArgs a, bool momentum, int i, ref Vector128<uint> lane, ref Vector128<int> extremes)
        where TOps : ISgdOps
    {
        Vector128<int> g = Load128(a.Gradient, i);
        extremes += Vector128.Equals(g, Vector128.Create(int.MaxValue)) | Vector128.Equals(g, Vector128.Create(int.MinValue));
        Store128(Vector128<int>.Zero, a.Gradient, i);
        Vector128<int> step = g;
        if (momentum)
        {
            step = TOps.Momentum(Load128(a.Velocity, i), a.MomentumQ15, g);
            Store128(step, a.Velocity, i);
        }

        lane = StochasticRounding.Next(lane);
        Vector128<int> offset = StochasticRounding.Offsets(lane, a.RoundingShift);
        Vector128<int> m = TOps.Descend(Load128(a.Master, i), step, a.LearningRateQ, offset, a.RoundingShift);
        Store128(m, a.Master, i);
        return ShiftRightRound(m, a.ValueShift);
    }

    /// <summary>−1 in every lane outside the int16 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> OutsideInt16(Vector128<int> x) =>
        Vector128.GreaterThan(x, Vector128.Create((int)short.MaxValue)) | Vector128.LessThan(x, Vector128.Create((int)short.MinValue));

    /// <summary>
    /// Portable optimiser steps. Momentum avoids int64: with v = vh·2^16 + vl (vl in [0, 2^16)),
    /// (v·μ + 2^14) &gt;&gt; 15 = 2·vh·μ + ((vl·μ + 2^14) &gt;&gt; 15) exactly, and both products fit int32. The sum
    /// wraps only for v = μ·2^16 = int.MinValue (true value 2^31), the one lane that can come out as
    /// int.MinValue, which is flipped to int.MaxValue. The descent widens to int64 lanes.
    /// </summary>
    internal readonly struct PortableSgdOps : ISgdOps
    {
        public static bool Supports(long learningRateQ) => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Momentum(Vector128<int> v, short momentumQ15, Vector128<int> g)
        {
            Vector128<int> high = Vector128.ShiftRightArithmetic(v, 16) * Vector128.Create(2 * momentumQ15);
            Vector128<int> low = (v & Vector128.Create(0xFFFF)) * Vector128.Create((int)momentumQ15);
            Vector128<int> r = high + Vector128.ShiftRightArithmetic(low + Vector128.Create(1 << 14), 15);
            r ^= Vector128.Equals(r, Vector128.Create(int.MinValue));
            return Vector128.AddSaturate(r, g);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Descend(Vector128<int> master, Vector128<int> step, long learningRateQ, Vector128<int> offset, int shift)
        {
            Vector128<long> lr = Vector128.Create(learningRateQ);
            (Vector128<long> sLo, Vector128<long> sHi) = Vector128.Widen(step);
            (Vector128<long> oLo, Vector128<long> oHi) = Vector128.Widen(offset);
            (Vector128<long> mLo, Vector128<long> mHi) = Vector128.Widen(master);
            Vector128<long> rLo = mLo - Vector128.ShiftRightArithmetic((sLo * lr) + oLo, shift);
            Vector128<long> rHi = mHi - Vector128.ShiftRightArithmetic((sHi * lr) + oHi, shift);
            return Vector128.NarrowWithSaturation(rLo, rHi);
        }
    }
}
