using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// AVX2 body of the fused trace row and SGD step, in one pass: 16 synapses per iteration go from the trace update
/// through the gradient (an exact int32 product, since |c · e| ≤ 2^30, so never at the rails GradientExtremes counts) straight into the SGD step of
/// <see cref="SgdUpdate256"/>, so the gradient exists only in registers. The 16 generator lanes are loaded rotated
/// by firstIndex mod 16 (element j of the row draws from lane (firstIndex + j) mod 16) and stored back the same way.
/// </summary>
public sealed partial class X86Kernels
{
    protected override SgdCounts TraceUpdateSgdRowCore(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, in SgdArgs args, Span<short> values, int firstIndex) =>
        Avx2.IsSupported && args.LearningRateQ is >= int.MinValue and <= int.MaxValue
            ? TraceUpdateSgdRow256(e, a, x, c, shift, args, values, firstIndex)
            : base.TraceUpdateSgdRowCore(e, a, x, c, shift, args, values, firstIndex);

    private static SgdCounts TraceUpdateSgdRow256(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, in SgdArgs args, Span<short> values, int firstIndex)
    {
        int rotation = firstIndex % StochasticRounding.Lanes;
        Span<uint> doubled = stackalloc uint[2 * StochasticRounding.Lanes];
        args.RngLanes.CopyTo(doubled);
        args.RngLanes.CopyTo(doubled[StochasticRounding.Lanes..]);
        Vector256<uint> l0 = Load256<uint>(doubled, rotation), l1 = Load256<uint>(doubled, rotation + 8);

        Vector256<short> va = Vector256.Create(a);
        Vector256<int> vc = Vector256.Create((int)c);
        Vector256<int> extremes = Vector256<int>.Zero, saturations = Vector256<int>.Zero;
        bool momentum = !args.Velocity.IsEmpty;
        var floor = new BiasedRound(args.RoundingShift, floor: true);
        int j = 0;
        for (; j <= e.Length - 16; j += 16)
        {
            Vector256<short> updated = Avx2.AddSaturate(MulQ15(va, Load256(e, j)), Load256(x, j));
            Store256(updated, e, j);
            Vector256<int> g0 = ShiftRightRound(Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(updated.GetLower()), vc), shift);
            Vector256<int> g1 = ShiftRightRound(Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(updated.GetUpper()), vc), shift);
            Vector256<int> r0 = Update8(args, g0, momentum, floor, j, ref l0, ref extremes, countExtremes: false);
            Vector256<int> r1 = Update8(args, g1, momentum, floor, j + 8, ref l1, ref extremes, countExtremes: false);
            StoreNarrow16(r0, r1, values, j, ref saturations);
        }

        // Eight more on l0 (element j + t draws lane (rotation + t) mod 16, as in the loop), leaving at most 7 to the
        // specification, which reads its lanes by index once they are stored back.
        if (j <= e.Length - 8)
        {
            Vector128<short> updated = Sse2.AddSaturate(MulQ15(va.GetLower(), Load128(e, j)), Load128(x, j));
            Store128(updated, e, j);
            Vector256<int> g0 = ShiftRightRound(Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(updated), vc), shift);
            Vector256<int> r0 = Update8(args, g0, momentum, floor, j, ref l0, ref extremes, countExtremes: false);
            Vector256<int> outside = Avx2.CompareGreaterThan(r0, Vector256.Create((int)short.MaxValue)) | Avx2.CompareGreaterThan(Vector256.Create((int)short.MinValue), r0);
            saturations += outside;
            Store128(Sse2.PackSignedSaturate(r0.GetLower(), r0.GetUpper()), values, j);
            j += 8;
        }

        // The lanes back in place, then the tail by the specification; the scratch is left all zero as promised.
        Store256(l0, doubled, 0);
        Store256(l1, doubled, 8);
        StochasticRounding.Unrotate(doubled[..StochasticRounding.Lanes], rotation, args.RngLanes);
        args.Gradient.Clear();
        Scalar.TraceAccumulateRow(e[j..], a, x[j..], c, shift, args.Gradient[j..]);
        SgdCounts tail = Scalar.SgdUpdate(args.From(j), values[j..], default, firstIndex + j);
        return new SgdCounts(tail.ValueSaturations - Vector256.Sum(saturations), tail.GradientExtremes - Vector256.Sum(extremes));
    }
}
