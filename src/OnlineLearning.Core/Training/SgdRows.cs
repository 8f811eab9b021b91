using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Training;

/// <summary>
/// One int16 weight matrix under immediate SGD, updated a row at a time by the trace pass that forms its gradient
/// (<see cref="QKernels.TraceUpdateSgdRow"/>): the gradient row is consumed as it is made, so the full-size
/// accumulator is neither written nor read. Rows must come in order 0, 1, … and every row must come (an untouched
/// row would skip its generator draws); the result is then bit-identical to accumulating and calling
/// <see cref="QSgd.Apply"/>.
/// </summary>
/// <remarks>
/// Rows narrower than <see cref="MinimumFusedWidth"/> are accumulated into the gradient instead and applied by
/// <see cref="Finish"/> in one pass: per row the fused call costs some tens of nanoseconds of set-up, which a short row
/// does not earn back (the 12-wide sensor layer ran 20 % slower fused). The bits are the same either way.
/// The row scratch is row 0 of the parameter's own gradient accumulator, which immediate updates keep at zero and
/// which the kernel leaves at zero: no extra arena tensor, so the plan (and its fingerprint) is the same whether or
/// not a network fuses its update.
/// </remarks>
public readonly ref struct SgdRows
{
    /// <summary>The narrowest row that is updated as it is formed; narrower matrices accumulate and update at <see cref="Finish"/>.</summary>
    public const int MinimumFusedWidth = 64;

    private readonly QSgd _sgd;
    private readonly int _index;
    private readonly bool _accumulate;
    private readonly QKernels _k;
    private readonly Arena _arena;
    private readonly QParameter _parameter;
    private readonly long _learningRateQ;
    private readonly short _momentumQ15;
    private readonly Span<int> _velocity;
    private readonly Span<int> _master;
    private readonly Span<short> _values;
    private readonly Span<uint> _lanes;
    private readonly Span<int> _scratch;
    private readonly int _valueShift;

    internal SgdRows(QSgd sgd, int index, QKernels k, Arena arena, QParameter parameter, long learningRateQ, short momentumQ15, Span<int> velocity, Span<uint> lanes)
    {
        _sgd = sgd;
        _index = index;
        _accumulate = parameter.Cols < MinimumFusedWidth;
        _k = k;
        _arena = arena;
        _parameter = parameter;
        _learningRateQ = learningRateQ;
        _momentumQ15 = momentumQ15;
        _velocity = velocity;
        _lanes = lanes;
        _master = arena.Int32(parameter.Master);
        _values = arena.Int16(parameter.Value);
        _scratch = arena.Int32(parameter.Gradient);
        _valueShift = parameter.Formats.MasterFracBits - parameter.Formats.ValueFracBits;
    }

    /// <summary>
    /// Row i: e = a e + x, then the SGD step on the gradient round(c · e / 2^shift) (see
    /// <see cref="QKernels.TraceUpdateSgdRow"/>). Saturation counts go to the parameter's health slots.
    /// </summary>
    public void Row(int i, Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift)
    {
        int cols = _parameter.Cols;
        var range = new Range(i * cols, (i + 1) * cols);
        if (_accumulate)
        {
            _k.TraceUpdateAccumulate(e, 1, cols, new ReadOnlySpan<short>(in a), x, new ReadOnlySpan<short>(in c), shift, _scratch[range]);
            return;
        }

        SgdCounts counts = _k.TraceUpdateSgdRow(
            e, a, x, c, shift, _velocity.IsEmpty ? default : _velocity[range], _momentumQ15, _master[range], _learningRateQ,
            QSgd.RoundingShift, _values[range], _valueShift, _lanes, i * cols, _scratch[..cols]);
        _arena.CountSaturations(_parameter.SaturationSlot, counts.ValueSaturations);
        _arena.CountSaturations(_parameter.GradientSaturationSlot, counts.GradientExtremes);
    }

    /// <summary>After the last row: applies the accumulated gradient of a matrix too narrow to fuse (nothing otherwise).</summary>
    public void Finish()
    {
        if (_accumulate)
        {
            _sgd.ApplyOne(_arena, _index);
        }
    }
}
