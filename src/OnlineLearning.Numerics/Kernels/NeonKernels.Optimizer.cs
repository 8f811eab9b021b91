using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>NEON steps of the fused optimiser update (the driver is the portable one).</summary>
public sealed partial class NeonKernels
{
    protected override SgdCounts SgdUpdateCore(in SgdArgs args, Span<short> values16, Span<int> values32) =>
        SgdUpdate128<NeonSgdOps>(args, values16, values32);

    /// <summary>
    /// Momentum is one SQRDMULH on 32-bit lanes: with b = μ·2^16 it computes sat((2·v·b + 2^31) &gt;&gt; 32)
    /// = sat((v·μ + 2^14) &gt;&gt; 15), exactly <see cref="QMath.MulShiftRound"/>(v, μ, 15), saturating only for
    /// v = b = int.MinValue as the specification does; SQADD adds g. The descent is SMULL/SMULL2 (exact
    /// int32 × int32 products), SADDW for the offsets, SSHL by −shift, and SQXTN to narrow with saturation,
    /// so it needs a learning rate that fits int32 (every format in use has lr &lt; 2^31).
    /// </summary>
    private readonly struct NeonSgdOps : ISgdOps
    {
        public static bool Supports(long learningRateQ) => learningRateQ is >= int.MinValue and <= int.MaxValue;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Momentum(Vector128<int> v, short momentumQ15, Vector128<int> g) =>
            AdvSimd.AddSaturate(AdvSimd.MultiplyRoundedDoublingSaturateHigh(v, Vector128.Create(momentumQ15 << 16)), g);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Descend(Vector128<int> master, Vector128<int> step, long learningRateQ, Vector128<int> offset, int shift)
        {
            Vector128<int> lr = Vector128.Create((int)learningRateQ);
            Vector128<long> count = Vector128.Create(-(long)shift);
            Vector128<long> tLo = AdvSimd.AddWideningLower(AdvSimd.MultiplyWideningLower(step.GetLower(), lr.GetLower()), offset.GetLower());
            Vector128<long> tHi = AdvSimd.AddWideningUpper(AdvSimd.MultiplyWideningUpper(step, lr), offset);
            Vector128<long> rLo = AdvSimd.Subtract(AdvSimd.SignExtendWideningLower(master.GetLower()), AdvSimd.ShiftArithmetic(tLo, count));
            Vector128<long> rHi = AdvSimd.Subtract(AdvSimd.SignExtendWideningUpper(master), AdvSimd.ShiftArithmetic(tHi, count));
            return AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(rLo), rHi);
        }
    }
}
