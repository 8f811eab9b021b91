using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// AVX2 body of the fused optimiser update: 16 elements per iteration, the 16 xorshift lanes in two
/// 256-bit registers (element i draws from lane i mod 16 as everywhere). Without AVX2 the portable body runs.
/// </summary>
/// <remarks>
/// Momentum splits v = vh·2^16 + vl so both products fit int32 (VPMULLD), as the portable body does.
/// The descent needs int64: VPMULDQ multiplies the sign-extended steps by lr exactly (lr must fit int32),
/// the arithmetic int64 shift AVX2 lacks is the biased logical shift of the complex kernels
/// (<c>BiasedRound</c>, here as a floor), and the int32 saturation is their VPCMPGTQ clamp.
/// </remarks>
public sealed partial class X86Kernels
{
    protected override SgdCounts SgdUpdateCore(in SgdArgs args, Span<short> values16, Span<int> values32) =>
        Avx2.IsSupported && args.LearningRateQ is >= int.MinValue and <= int.MaxValue
            ? SgdUpdate256(args, values16, values32)
            : base.SgdUpdateCore(args, values16, values32);

    private static SgdCounts SgdUpdate256(in SgdArgs a, Span<short> values16, Span<int> values32)
    {
        Span<int> g = a.Gradient;
        Span<uint> lanes = a.RngLanes;
        Vector256<uint> l0 = Load256(lanes, 0), l1 = Load256(lanes, 8);
        Vector256<int> extremes = Vector256<int>.Zero, saturations = Vector256<int>.Zero;
        bool momentum = !a.Velocity.IsEmpty, wide = values16.IsEmpty;
        var floor = new BiasedRound(a.RoundingShift, floor: true);
        int i = 0;
        for (; i <= g.Length - 16; i += 16)
        {
            Vector256<int> r0 = Element8(a, momentum, floor, i, ref l0, ref extremes);
            Vector256<int> r1 = Element8(a, momentum, floor, i + 8, ref l1, ref extremes);
            if (wide)
            {
                Store256(r0, values32, i);
                Store256(r1, values32, i + 8);
            }
            else
            {
                StoreNarrow16(r0, r1, values16, i, ref saturations);
            }
        }

        Store256(l0, lanes, 0);
        Store256(l1, lanes, 8);
        SgdCounts tail = Scalar.SgdUpdate(a.From(i), wide ? values16 : values16[i..], wide ? values32[i..] : values32, i);
        return new SgdCounts(
            tail.ValueSaturations - Vector256.Sum(saturations),
            tail.GradientExtremes - Vector256.Sum(extremes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Element8(in SgdArgs a, bool momentum, in BiasedRound floor, int i, ref Vector256<uint> lane, ref Vector256<int> extremes)
    {
        Vector256<int> g = Load256(a.Gradient, i);
        Store256(Vector256<int>.Zero, a.Gradient, i);
        return Update8(a, g, momentum, floor, i, ref lane, ref extremes);
    }

    /// <summary>Eight elements from i on of the SGD step with gradient g (already read): the new int32 values, before narrowing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    /// <remarks>countExtremes false: the caller knows g cannot reach the int32 rails (the fused trace row's exact products).</remarks>
    private static Vector256<int> Update8(
        in SgdArgs a, Vector256<int> g, bool momentum, in BiasedRound floor, int i, ref Vector256<uint> lane, ref Vector256<int> extremes, bool countExtremes = true)
    {
        if (countExtremes)
        {
            extremes += Avx2.CompareEqual(g, Vector256.Create(int.MaxValue)) | Avx2.CompareEqual(g, Vector256.Create(int.MinValue));
        }

        Vector256<int> step = g;
        if (momentum)
        {
            step = Momentum(Load256(a.Velocity, i), a.MomentumQ15, g);
            Store256(step, a.Velocity, i);
        }

        lane = StochasticRounding.Next(lane);
        Vector256<int> offset = Avx2.ShiftRightLogical(lane, Vector128.CreateScalar((uint)(32 - a.RoundingShift))).AsInt32();
        Vector256<int> m = DescendClamp8(Load256(a.Master, i), step, a.LearningRateQ, offset, floor);
        Store256(m, a.Master, i);
        return ShiftRightRound(m, a.ValueShift);
    }

    /// <summary>values[i..i+16] = sat16(r0 then r1), counting the elements outside int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreNarrow16(Vector256<int> r0, Vector256<int> r1, Span<short> values, int i, ref Vector256<int> saturations)
    {
        Vector256<int> max = Vector256.Create((int)short.MaxValue), min = Vector256.Create((int)short.MinValue);
        saturations += Avx2.CompareGreaterThan(r0, max) | Avx2.CompareGreaterThan(min, r0);
        saturations += Avx2.CompareGreaterThan(r1, max) | Avx2.CompareGreaterThan(min, r1);
        Vector256<short> packed = Avx2.PackSignedSaturate(r0, r1);   // per 128-bit half: r0 lo, r1 lo | r0 hi, r1 hi
        Store256(Avx2.Permute4x64(packed.AsInt64(), 0b11_01_10_00).AsInt16(), values, i);
    }

    /// <summary>sat32(MulShiftRound(v, μ, 15) + g) without int64 (see the portable body for the split).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Momentum(Vector256<int> v, short momentumQ15, Vector256<int> g)
    {
        Vector256<int> high = Avx2.MultiplyLow(Avx2.ShiftRightArithmetic(v, 16), Vector256.Create(2 * momentumQ15));
        Vector256<int> low = Avx2.MultiplyLow(v & Vector256.Create(0xFFFF), Vector256.Create((int)momentumQ15));
        Vector256<int> r = high + Avx2.ShiftRightArithmetic(low + Vector256.Create(1 << 14), 15);
        r ^= Avx2.CompareEqual(r, Vector256.Create(int.MinValue));
        return AddSat32(r, g);
    }

    /// <summary>
    /// sat32(master − floor((step · lr + offset) / 2^shift)) on eight lanes. The descent d is exact in int64
    /// (<see cref="Descent"/>); when every d fits int32, as it does unless lr · step reaches 2^(31 + shift), the
    /// subtraction saturates in int32 directly; otherwise the int64 differences are clamped. Both give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> DescendClamp8(Vector256<int> master, Vector256<int> step, long learningRateQ, Vector256<int> offset, in BiasedRound floor)
    {
        Vector256<long> dLo = Descent(step.GetLower(), learningRateQ, offset.GetLower(), floor);
        Vector256<long> dHi = Descent(step.GetUpper(), learningRateQ, offset.GetUpper(), floor);
        Vector256<long> half = Vector256.Create(1L << 31);
        if (!Avx.TestZ((dLo + half) | (dHi + half), Vector256.Create(unchecked((long)0xFFFF_FFFF_0000_0000UL))))
        {
            int ignored = 0;
            return Clamp32(
                Avx2.ConvertToVector256Int64(master.GetLower()) - dLo, Avx2.ConvertToVector256Int64(master.GetUpper()) - dHi, ref ignored);
        }

        Vector256<int> d = PackLow(dLo, dHi);
        Vector256<int> difference = master - d;
        Vector256<int> overflow = Avx2.ShiftRightArithmetic((master ^ d) & (master ^ difference), 31);
        Vector256<int> saturated = Avx2.ShiftRightArithmetic(master, 31) ^ Vector256.Create(int.MaxValue);
        return Avx2.BlendVariable(difference.AsByte(), saturated.AsByte(), overflow.AsByte()).AsInt32();
    }

    /// <summary>Four lanes of floor((step · lr + offset) / 2^shift), exact in int64: VPMULDQ, then a biased floor shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Descent(Vector128<int> step, long learningRateQ, Vector128<int> offset, in BiasedRound floor)
    {
        Vector256<long> t = Avx2.Multiply(Avx2.ConvertToVector256Int64(step).AsInt32(), Vector256.Create((int)learningRateQ))
            + Avx2.ConvertToVector256Int64(offset);
        return floor.Shift(t) - floor.Bias;
    }

    /// <summary>The low int32 of each int64 lane of lo then hi, in order (VPERMD each, then VINSERTI128; integer-only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> PackLow(Vector256<long> lo, Vector256<long> hi)
    {
        Vector256<int> evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        return Vector256.Create(Avx2.PermuteVar8x32(lo.AsInt32(), evens).GetLower(), Avx2.PermuteVar8x32(hi.AsInt32(), evens).GetLower());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ShiftRightRound(Vector256<int> x, int shift) =>
        shift == 0 ? x : Avx2.ShiftRightArithmetic(x, Vector128.CreateScalar(shift))
            + (Avx2.ShiftRightArithmetic(x, Vector128.CreateScalar(shift - 1)) & Vector256<int>.One);
}
