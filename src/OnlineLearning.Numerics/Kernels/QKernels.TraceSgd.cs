namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// The trace pass fused with an immediate SGD step: one row of a weight matrix whose gradient is consumed the moment
/// it is formed, so the full-size gradient accumulator is never read or written.
/// </summary>
public abstract partial class QKernels
{
    /// <summary>
    /// One row of <see cref="TraceUpdateAccumulate"/> into a zero gradient, followed at once by
    /// <see cref="SgdUpdate(Span{int}, Span{int}, short, Span{int}, long, int, Span{short}, int, Span{uint})"/> on
    /// that gradient. For every element j, in order:
    /// <list type="number">
    /// <item>e[j] = sat16(MulQ15(a, e[j]) + x[j]);</item>
    /// <item>g = sat32(round(c · e[j] / 2^shift)), which is what the accumulator would hold;</item>
    /// <item>the SGD step of element <paramref name="firstIndex"/> + j of the parameter with gradient g: its
    /// generator lane is (firstIndex + j) mod <see cref="RngLanes"/>, exactly as when the whole parameter is updated
    /// in one call, so a matrix updated row by row (firstIndex = row · cols) gets the same bits as the unfused
    /// trace pass followed by the optimiser pass.</item>
    /// </list>
    /// <paramref name="scratch"/> is caller-owned int32 space of the row's length that holds zeros on entry (the
    /// zero accumulator of step 2) and holds zeros again on return, so one scratch serves every row without clearing.
    /// </summary>
    public SgdCounts TraceUpdateSgdRow(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift,
        Span<int> velocity, short momentumQ15, Span<int> master, long learningRateQ, int roundingShift,
        Span<short> values, int valueShift, Span<uint> rngLanes, int firstIndex, Span<int> scratch)
    {
        Check.SameLength(e.Length, x.Length, master.Length);
        Check.SameLength(e.Length, values.Length, scratch.Length);
        Check.Shift(shift, 0, 31);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        CheckSgd(scratch, velocity, master, values.Length, roundingShift, valueShift, rngLanes);
        var args = new SgdArgs(scratch, velocity, momentumQ15, master, learningRateQ, roundingShift, valueShift, rngLanes);
        return TraceUpdateSgdRowCore(e, a, x, c, shift, args, values, firstIndex);
    }

    /// <summary>The body of <see cref="TraceUpdateSgdRow"/>; <c>args.Gradient</c> is the row scratch.</summary>
    protected abstract SgdCounts TraceUpdateSgdRowCore(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, in SgdArgs args, Span<short> values, int firstIndex);
}
