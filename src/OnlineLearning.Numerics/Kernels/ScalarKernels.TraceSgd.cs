namespace OnlineLearning.Numerics.Kernels;

/// <summary>Scalar body of the fused trace row and SGD step: the specification.</summary>
public partial class ScalarKernels
{
    protected override SgdCounts TraceUpdateSgdRowCore(
        Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, in SgdArgs args, Span<short> values, int firstIndex)
    {
        Scalar.TraceAccumulateRow(e, a, x, c, shift, args.Gradient);
        return Scalar.SgdUpdate(args, values, default, firstIndex);
    }
}
