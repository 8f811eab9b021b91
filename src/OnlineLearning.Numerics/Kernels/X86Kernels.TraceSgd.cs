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

    /// <summary>
    /// The 16 lanes held as lanes[0..8] and lanes[8..16], rotated by r (0 to 16): element t of the result is lane
    /// (r + t) mod 16. Rotating by 16 − r undoes a rotation by r. Two VPERMDs and a blend per half, no memory.
    /// </summary>
    private static (Vector256<uint> Low, Vector256<uint> High) Rotate(Vector256<uint> low, Vector256<uint> high, int r)
    {
        Vector256<int> t = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create(r);
        Vector256<int> p0 = t & Vector256.Create(15), p1 = (t + Vector256.Create(8)) & Vector256.Create(15);
        Vector256<int> seven = Vector256.Create(7);
        return (Pick(low, high, p0, Avx2.CompareGreaterThan(p0, seven)), Pick(low, high, p1, Avx2.CompareGreaterThan(p1, seven)));
    }

    // Lane p of (low, high) for p in 0..15: VPERMD reads the index's low three bits.
    private static Vector256<uint> Pick(Vector256<uint> low, Vector256<uint> high, Vector256<int> p, Vector256<int> fromHigh) =>
        Avx2.BlendVariable(
            Avx2.PermuteVar8x32(low.AsInt32(), p).AsByte(), Avx2.PermuteVar8x32(high.AsInt32(), p).AsByte(), fromHigh.AsByte()).AsUInt32();

    private static SgdCounts TraceUpdateSgdRow256(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, in SgdArgs args, Span<short> values, int firstIndex)
    {
        int rotation = firstIndex % StochasticRounding.Lanes;
        Vector256<uint> l0, l1;
        (l0, l1) = Rotate(Load256(args.RngLanes, 0), Load256(args.RngLanes, 8), rotation);

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

        // The lanes back in place, then the tail by the specification. The loop never wrote the scratch, and the
        // tail's SGD step zeroes the part it used, so the zero scratch stays zero.
        (l0, l1) = Rotate(l0, l1, StochasticRounding.Lanes - rotation);
        Store256(l0, args.RngLanes, 0);
        Store256(l1, args.RngLanes, 8);
        Scalar.TraceAccumulateRow(e[j..], a, x[j..], c, shift, args.Gradient[j..]);
        SgdCounts tail = Scalar.SgdUpdate(args.From(j), values[j..], default, firstIndex + j);
        return new SgdCounts(tail.ValueSaturations - Vector256.Sum(saturations), tail.GradientExtremes - Vector256.Sum(extremes));
    }
}
