using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Training;

/// <summary>
/// A dense integer layer y = W x (no bias), usable as readout, encoder or decoder. W is a <see cref="QParameter"/>
/// [Outputs][Inputs]; forward requantises the exact int64 dot products, backward forms Wᵀ δ, and the gradient
/// accumulates δ ⊗ x. Callers pass the Q formats of their vectors; shifts are derived from them.
/// </summary>
public sealed class QDense
{
    /// <summary>Extra fractional bits kept while summing Wᵀ δ, before the final rounding.</summary>
    private const int GuardBits = 6;

    private readonly ArenaTensor _scratch;
    private readonly ArenaTensor _accumulator;
    private readonly ArenaTensor _wideAccumulator;

    public QDense(ArenaPlan plan, string name, int outputs, int inputs, ParameterFormats formats, bool momentum = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Outputs = outputs;
        Inputs = inputs;
        Weights = new QParameter(plan, name + ".W", outputs, inputs, formats, momentum);
        _scratch = plan.Add(name + ".scratch", TensorRole.Scratch, ArenaElement.Int16, ArenaTensor.NotFixedPoint, inputs);
        _accumulator = plan.Add(name + ".backward", TensorRole.Scratch, ArenaElement.Int32, ArenaTensor.NotFixedPoint, inputs);
        _wideAccumulator = plan.Add(name + ".backward64", TensorRole.Scratch, ArenaElement.Int64, ArenaTensor.NotFixedPoint, inputs);
    }

    public int Outputs { get; }

    public int Inputs { get; }

    public QParameter Weights { get; }

    private int WeightFrac => Weights.Formats.ValueFracBits;

    /// <summary>y = round(W x) in Q(yFrac), int32 with saturation.</summary>
    public void Forward(QKernels kernels, Arena arena, ReadOnlySpan<short> x, int xFrac, Span<int> y, int yFrac)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(arena);
        kernels.MatVec(arena.Int16(Weights.Value), Outputs, Inputs, x, WeightFrac + xFrac - yFrac, y);
    }

    /// <summary>δ_in = Wᵀ δ in Q(deltaInFrac), saturated to int16. Returns the number of saturated elements.</summary>
    public int Backward(QKernels kernels, Arena arena, ReadOnlySpan<short> delta, int deltaFrac, Span<short> deltaIn, int deltaInFrac)
    {
        ArgumentNullException.ThrowIfNull(arena);
        var acc = arena.Int32(_accumulator);
        int accFrac = deltaInFrac + GuardBits;
        OuterProduct.TransposedProduct(kernels, arena.Int16(Weights.Value), delta, WeightFrac + deltaFrac - accFrac, acc, arena.Int16(_scratch));
        int saturations = 0;
        for (int j = 0; j < acc.Length; j++)
        {
            int v = QMath.ShiftRightRound(acc[j], GuardBits);
            if (v is > short.MaxValue or < short.MinValue)
            {
                saturations++;
            }
        }

        kernels.NarrowRound(acc, GuardBits, deltaIn);
        return saturations;
    }

    /// <summary>dE/dW += δ ⊗ x, into the gradient accumulator (its format is the parameter's gradient format).</summary>
    public void AccumulateGradient(QKernels kernels, Arena arena, ReadOnlySpan<short> delta, int deltaFrac, ReadOnlySpan<short> x, int xFrac)
    {
        ArgumentNullException.ThrowIfNull(arena);
        int shift = deltaFrac + xFrac - Weights.Formats.GradientFracBits;
        OuterProduct.Accumulate(kernels, delta, x, shift, arena.Int32(Weights.Gradient), arena.Int16(_scratch));
    }

    /// <summary>
    /// δ_in += Wᵀ δ for int32 errors (deep stacks whose small errors an int16 δ would round away): exact int64
    /// sums, one rounding to Q(deltaInFrac), saturating int32. Returns the number of saturated elements.
    /// </summary>
    public int BackwardAccumulate(QKernels kernels, Arena arena, ReadOnlySpan<int> delta, int deltaFrac, Span<int> deltaIn, int deltaInFrac)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(arena);
        Shapes.SameLength(delta.Length, Outputs);
        Shapes.SameLength(deltaIn.Length, Inputs);
        Span<long> sums = arena.Int64(_wideAccumulator);
        sums.Clear();
        kernels.TransposedMatVecAccumulate(arena.Int16(Weights.Value), Outputs, Inputs, delta, sums);
        int shift = WeightFrac + deltaFrac - deltaInFrac;
        int saturations = 0;
        for (int j = 0; j < Inputs; j++)
        {
            long total = deltaIn[j] + QMath.ShiftRightRound(sums[j], shift);
            deltaIn[j] = QMath.SaturateToInt32(total);
            saturations += deltaIn[j] == total ? 0 : 1;
        }

        return saturations;
    }

    /// <summary>dE/dW += δ ⊗ x for int32 errors, each product rounded once into the gradient format (saturating).</summary>
    public void AccumulateGradient(QKernels kernels, Arena arena, ReadOnlySpan<int> delta, int deltaFrac, ReadOnlySpan<short> x, int xFrac)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(arena);
        Shapes.SameLength(delta.Length, Outputs);
        Shapes.SameLength(x.Length, Inputs);
        kernels.OuterProductAccumulate(delta, x, deltaFrac + xFrac - Weights.Formats.GradientFracBits, arena.Int32(Weights.Gradient));
    }
}
