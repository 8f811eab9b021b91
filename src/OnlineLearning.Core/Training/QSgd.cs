using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Training;

/// <summary>
/// SGD with optional heavy-ball momentum on int32 master weights, integer-only:
/// v = μ v + g (when μ > 0), master -= lr · v with stochastic rounding, value = round(master) to int16.
/// </summary>
/// <remarks>
/// lr is held as an integer with <see cref="LearningRateFracBits"/> fractional bits chosen so that the product
/// lr · g lands exactly <see cref="RoundingShift"/> bits below the master's LSB; those bits are rounded away
/// stochastically (uniform offset from seeded xorshift32 lanes), so the expected applied update equals
/// lr · g exactly, even when it is far below one master LSB. The learning rate must be below 8.
/// </remarks>
public sealed class QSgd : IOptimizer
{
    /// <summary>Bits of lr · g below the master LSB that stochastic rounding resolves.</summary>
    public const int RoundingShift = 24;

    private readonly QParameter[] _parameters;
    private readonly ArenaTensor _lanes;
    private readonly ArenaTensor _learningRates;   // int64, one per parameter: lr with LearningRateFracBits(formats)
    private readonly ArenaTensor _momentum;        // int32 [1]: μ in Q15
    private readonly long[] _initialRates;
    private readonly SgdOptions _options;

    public QSgd(ArenaPlan plan, IReadOnlyList<QParameter> parameters, SgdOptions options, string name = "optimizer")
        : this(plan, parameters, options, null, name)
    {
    }

    /// <summary>
    /// SGD with a learning rate per parameter: parameter p gets lr · <paramref name="learningRateScales"/>[p]
    /// (null: 1 for every parameter). Layers whose gradients differ in size by orders of magnitude (a readout fed
    /// by integrated spikes against the hidden layers behind it) need this with plain SGD.
    /// </summary>
    public QSgd(ArenaPlan plan, IReadOnlyList<QParameter> parameters, SgdOptions options, IReadOnlyList<double>? learningRateScales, string name = "optimizer")
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.LearningRate >= 0 && options.LearningRate < 8))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, "The learning rate must be in [0, 8).");
        }

        if (!(options.Momentum >= 0 && options.Momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Momentum, "Momentum must be in [0, 1).");
        }

        if (learningRateScales is not null && learningRateScales.Count != parameters.Count)
        {
            throw new ArgumentException("One learning-rate scale per parameter is needed.", nameof(learningRateScales));
        }

        _options = options;
        _parameters = [.. parameters];
        _lanes = plan.Add(name + ".rng", TensorRole.OptimizerState, ArenaElement.UInt32, ArenaTensor.NotFixedPoint, StochasticRounding.Lanes);
        _learningRates = plan.Add(name + ".lr", TensorRole.OptimizerState, ArenaElement.Int64, ArenaTensor.NotFixedPoint, _parameters.Length);
        _momentum = plan.Add(name + ".momentum", TensorRole.OptimizerState, ArenaElement.Int32, 15, 1);
        _initialRates = new long[_parameters.Length];
        for (int p = 0; p < _parameters.Length; p++)
        {
            var f = _parameters[p].Formats;
            if (options.Momentum > 0 && _parameters[p].Velocity is null)
            {
                throw new ArgumentException($"{_parameters[p].Name} was planned without a velocity tensor, but momentum is on.", nameof(parameters));
            }

            double lr = options.LearningRate * (learningRateScales?[p] ?? 1.0);
            if (!(lr >= 0 && lr < 8))
            {
                throw new ArgumentOutOfRangeException(nameof(learningRateScales), lr, $"{_parameters[p].Name}: the scaled learning rate must be in [0, 8).");
            }

            int lrFrac = LearningRateFracBits(f);
            _initialRates[p] = QFormat.Quantize(lr, lrFrac, 0, long.MaxValue);
        }
    }

    public IReadOnlyList<QParameter> Parameters => _parameters;

    /// <summary>The kernels the update runs on: the network's, so a forced backend covers the optimiser too (null: the current default).</summary>
    public QKernels? Kernels { get; init; }

    /// <summary>
    /// Multiplies every learning rate by factor (in (0, 1] for a decay, e.g. for the last epochs of a run). Host
    /// side, between steps: the rates stay integers on the step path.
    /// </summary>
    public void ScaleLearningRates(Arena arena, double factor)
    {
        ArgumentNullException.ThrowIfNull(arena);
        LearningRateTable.Scale(arena.Int64(_learningRates), factor);
    }

    /// <summary>
    /// Sets every learning rate to its initial value times <paramref name="factor"/> (≥ 0): what warm-up and cosine
    /// schedules call between steps. Host side; the rates stay integers on the step path.
    /// </summary>
    public void SetLearningRateFactor(Arena arena, double factor)
    {
        ArgumentNullException.ThrowIfNull(arena);
        LearningRateTable.SetFactor(arena.Int64(_learningRates), _initialRates, factor);
    }

    /// <summary>The current learning rate of parameter p in real units (reporting).</summary>
    public double LearningRate(Arena arena, int p)
    {
        ArgumentNullException.ThrowIfNull(arena);
        return Math.ScaleB(arena.Int64(_learningRates)[p], -LearningRateFracBits(_parameters[p].Formats));
    }

    /// <summary>Fractional bits of the integer learning rate for a parameter's formats.</summary>
    public static int LearningRateFracBits(ParameterFormats f) => f.MasterFracBits - f.GradientFracBits + RoundingShift;

    /// <summary>Seeds the rounding lanes and writes the rates and momentum (after the arena is allocated; not on the step path).</summary>
    public void Initialise(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        StochasticRounding.Seed(arena.UInt32(_lanes), _options.Seed);
        _initialRates.CopyTo(arena.Int64(_learningRates));
        arena.Int32(_momentum)[0] = (int)QFormat.Q15.FromDouble(_options.Momentum);
    }

    /// <summary>
    /// Applies every accumulated gradient and zeroes the accumulators: one fused <see cref="QKernels.SgdUpdate(Span{int}, Span{int}, short, Span{int}, long, int, Span{short}, int, Span{uint})"/>
    /// pass per parameter (momentum, master -= floor((lr · v + r) / 2^RoundingShift) with r uniform on [0, 2^RoundingShift),
    /// values = round(master) as <see cref="QParameter.Refresh"/> computes them). Integer-only, no allocation.
    /// </summary>
    /// <remarks>It runs on <see cref="Kernels"/> (the network's); every backend returns the same bits.</remarks>
    public void Apply(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        for (int p = 0; p < _parameters.Length; p++)
        {
            ApplyOne(arena, p);
        }
    }

    /// <summary>
    /// The part of <see cref="Apply"/> for parameter p alone. A network that updates as it goes (<see cref="Rows"/>)
    /// calls this for the parameters it does not update row by row, keeping the order of <see cref="Parameters"/>,
    /// which is the order the shared generator lanes are drawn in.
    /// </summary>
    public void ApplyOne(Arena arena, int p)
    {
        ArgumentNullException.ThrowIfNull(arena);
        QKernels kernels = Kernels ?? Backends.Current;
        var lanes = arena.UInt32(_lanes);
        var parameter = _parameters[p];
        long learningRateQ = arena.Int64(_learningRates)[p];
        short momentumQ15 = MomentumQ15(arena);
        Span<int> velocity = parameter.Velocity is { } v && momentumQ15 > 0 ? arena.Int32(v) : default;
        Span<int> gradient = arena.Int32(parameter.Gradient), master = arena.Int32(parameter.Master);
        int valueShift = parameter.Formats.MasterFracBits - parameter.Formats.ValueFracBits;
        SgdCounts counts = parameter.ValueElement == ArenaElement.Int32
            ? kernels.SgdUpdate(gradient, velocity, momentumQ15, master, learningRateQ, RoundingShift, arena.Int32(parameter.Value), valueShift, lanes)
            : kernels.SgdUpdate(gradient, velocity, momentumQ15, master, learningRateQ, RoundingShift, arena.Int16(parameter.Value), valueShift, lanes);
        arena.CountSaturations(parameter.SaturationSlot, counts.ValueSaturations);
        arena.CountSaturations(parameter.GradientSaturationSlot, counts.GradientExtremes);
    }

    /// <summary>
    /// Parameter p (an int16-valued matrix) updated row by row as its gradient rows are formed, instead of
    /// accumulated and applied by <see cref="Apply"/>: see <see cref="SgdRows"/>. Its gradient accumulator must be
    /// zero (immediate updates leave it so).
    /// </summary>
    public SgdRows Rows(Arena arena, int p)
    {
        ArgumentNullException.ThrowIfNull(arena);
        var parameter = _parameters[p];
        if (parameter.ValueElement != ArenaElement.Int16)
        {
            throw new InvalidOperationException($"{parameter.Name} has int32 values; only int16 matrices are updated row by row.");
        }

        short momentumQ15 = MomentumQ15(arena);
        return new SgdRows(
            this, p, Kernels ?? Backends.Current, arena, parameter, arena.Int64(_learningRates)[p], momentumQ15,
            parameter.Velocity is { } v && momentumQ15 > 0 ? arena.Int32(v) : default, arena.UInt32(_lanes));
    }

    private short MomentumQ15(Arena arena) => (short)arena.Int32(_momentum)[0];
}
