namespace OnlineLearning.Numerics.Kernels;

/// <summary>The fused trace row and SGD step on the SIMD backends (this class, NEON and x86 inherit it).</summary>
public partial class Vector128Kernels
{
    /// <summary>
    /// The backend's own trace row into the row scratch, then its own SGD body on generator lanes rotated so that
    /// scratch element 0 draws from lane firstIndex mod 16. Each half is bit-exact with the specification already,
    /// and the row-sized scratch stays in L1, so what the fusion removes is the full-size gradient traffic.
    /// </summary>
    protected override SgdCounts TraceUpdateSgdRowCore(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, in SgdArgs args, Span<short> values, int firstIndex)
    {
        TraceAccumulateRowCore(e, a, x, c, shift, args.Gradient);
        int rotation = firstIndex % StochasticRounding.Lanes;
        if (rotation == 0)
        {
            return SgdUpdateCore(args, values, default);
        }

        Span<uint> rotated = stackalloc uint[StochasticRounding.Lanes];
        StochasticRounding.Rotate(args.RngLanes, rotation, rotated);
        SgdCounts counts = SgdUpdateCore(args.WithLanes(rotated), values, default);
        StochasticRounding.Unrotate(rotated, rotation, args.RngLanes);
        return counts;
    }
}
