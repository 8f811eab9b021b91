using System.Numerics;
using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Training;

/// <summary>
/// Adam (and AdamW with decoupled weight decay) on int32 master weights, integer-only on the step path:
/// <code>
/// m = m + (1 − β1)(g − m)            int64, gradient frac bits + 12
/// v = v + (1 − β2)(g² − v)           int64, 2 × gradient frac bits + 8, stochastically rounded
/// u = m̂ / sqrt(v̂ + ε²) + λ w        Q7.24 in int32, m̂ = m c1(t), v̂ = v c2(t)
/// master −= lr · u                   stochastic rounding, as <see cref="QSgd"/>
/// </code>
/// All state is in the arena (<see cref="TensorRole.OptimizerState"/>): both moments per parameter, the rates, the
/// constants (Q30 β1, β2, 1 − β1, 1 − β2, λ), the clock (t, β1^t, β2^t) and the rounding lanes; a checkpoint
/// resumes it bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// <b>Inverse square root.</b> v̂ + ε² is normalised to x · 2^s with x in [2^28, 2^30) and s even (a leading-zero
/// count and a shift), and 1/sqrt(x) comes from <see cref="QFunctions.Rsqrt(int, int, int)"/> (the 512-segment
/// table, relative error ≤ 2e-6 plus 2^-29 for the Q30 output); the 2^(−s/2) is a shift. So the normalised step
/// has a relative error below 3e-6 over the whole int64 range of v, from one gradient LSB squared up.
/// </para>
/// <para>
/// <b>ε inside the root.</b> The denominator is sqrt(v̂ + ε²) rather than sqrt(v̂) + ε: one table look-up and no
/// division per element. The two differ by at most a factor √2 where v̂ ≈ ε² and agree to (ε/√v̂)²/2 above.
/// ε² is held in the v format (2G + 8 fractional bits, G the gradient's), at least one LSB: ε below 2^-(G+4) acts
/// as 2^-(G+4).
/// </para>
/// <para>
/// <b>Second-moment range.</b> g² is exact and v keeps 8 bits below it, so that the 0.001 g² increments of a
/// one-LSB gradient still register (stochastically rounded, unbiased). The price is range: g² is capped at
/// 2^(54 − 2G) (|g| ≤ 128 for the Q11.20 gradients), beyond which the step is larger than float Adam's, and the
/// normalised step u saturates at ±128.
/// </para>
/// <para>
/// <b>Bias correction.</b> Each update advances β1^t and β2^t in Q30 by one rounded integer multiply (error at most
/// t · 2^-31 absolute, and exactly 0 once β^t &lt; 2^-31) and forms c = 1/(1 − β^t) in Q20 by one integer division
/// per update, not per element (relative error ≤ 2^-21 · c, plus the β^t error divided by 1 − β^t: below 1e-5
/// at t = 1 for β2 = 0.999, and c is exactly 1 for large t). The rates stay integers; warm-up and cosine schedules
/// rewrite them between steps on the host (<see cref="SetLearningRateFactor"/>, <see cref="LearningRateSchedule"/>).
/// </para>
/// </remarks>
public sealed class QAdam : IOptimizer
{
    /// <summary>Fractional bits of the normalised step u (Q7.24 in int32: |u| ≤ 128 before saturation).</summary>
    public const int StepFracBits = 24;

    /// <summary>Extra fractional bits of the first moment over the gradient's.</summary>
    public const int FirstMomentExtraBits = 12;

    /// <summary>Extra fractional bits of the second moment over g² (2 × the gradient's).</summary>
    public const int SecondMomentExtraBits = 8;

    /// <summary>Fractional bits of the bias corrections c1, c2.</summary>
    public const int CorrectionFracBits = 20;

    private const int Q30 = 30;
    private const long MaxSquare = 1L << (62 - SecondMomentExtraBits);
    private const int Beta1Slot = 0, Beta2Slot = 1, OneMinusBeta1Slot = 2, OneMinusBeta2Slot = 3, DecaySlot = 4, ConfigSlots = 5;
    private const int TimeSlot = 0, Beta1PowerSlot = 1, Beta2PowerSlot = 2, ClockSlots = 3;

    private readonly QParameter[] _parameters;
    private readonly ArenaTensor _lanes;
    private readonly ArenaTensor _learningRates;   // int64 per parameter, LearningRateFracBits
    private readonly ArenaTensor _config;          // int64 Q30 constants
    private readonly ArenaTensor _clock;           // int64: t, β1^t and β2^t in Q30
    private readonly ArenaTensor[] _first;         // int64 per parameter, gradient frac + 12
    private readonly ArenaTensor[] _second;        // int64 per parameter, 2 × gradient frac
    private readonly long[] _epsilonSquared;       // per parameter, in the second moment's format
    private readonly long[] _initialRates;
    private readonly SgdOptions _options;

    /// <summary>Adam over <paramref name="parameters"/>; parameter p's rate is lr · scales[p] (null: 1).</summary>
    public QAdam(ArenaPlan plan, IReadOnlyList<QParameter> parameters, SgdOptions options, IReadOnlyList<double>? learningRateScales = null, string name = "optimizer")
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.LearningRate >= 0 && options.LearningRate < 8))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, "The learning rate must be in [0, 8).");
        }

        if (!(options.Beta1 >= 0 && options.Beta1 < 1) || !(options.Beta2 >= 0 && options.Beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Adam's betas must be in [0, 1), not {options.Beta1} and {options.Beta2}.");
        }

        if (!(options.Epsilon > 0 && options.Epsilon <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Epsilon, "Adam's epsilon must be in (0, 1].");
        }

        if (!(options.WeightDecay >= 0 && options.WeightDecay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WeightDecay, "The weight decay must be in [0, 1).");
        }

        if (options.Momentum != 0)
        {
            throw new ArgumentException("Momentum is an SGD setting; Adam has Beta1 instead.", nameof(options));
        }

        if (learningRateScales is not null && learningRateScales.Count != parameters.Count)
        {
            throw new ArgumentException("One learning-rate scale per parameter is needed.", nameof(learningRateScales));
        }

        _options = options;
        _parameters = [.. parameters];
        _lanes = plan.Add(name + ".rng", TensorRole.OptimizerState, ArenaElement.UInt32, ArenaTensor.NotFixedPoint, StochasticRounding.Lanes);
        _learningRates = plan.Add(name + ".lr", TensorRole.OptimizerState, ArenaElement.Int64, ArenaTensor.NotFixedPoint, _parameters.Length);
        _config = plan.Add(name + ".adam_constants", TensorRole.OptimizerState, ArenaElement.Int64, Q30, ConfigSlots);
        _clock = plan.Add(name + ".adam_clock", TensorRole.OptimizerState, ArenaElement.Int64, ArenaTensor.NotFixedPoint, ClockSlots);
        _first = new ArenaTensor[_parameters.Length];
        _second = new ArenaTensor[_parameters.Length];
        _epsilonSquared = new long[_parameters.Length];
        _initialRates = new long[_parameters.Length];
        for (int p = 0; p < _parameters.Length; p++)
        {
            var parameter = _parameters[p];
            int g = parameter.Formats.GradientFracBits;
            _first[p] = plan.Add(parameter.Name + ".adam_m", TensorRole.OptimizerState, ArenaElement.Int64, g + FirstMomentExtraBits, parameter.Rows, parameter.Cols);
            _second[p] = plan.Add(parameter.Name + ".adam_v", TensorRole.OptimizerState, ArenaElement.Int64, (2 * g) + SecondMomentExtraBits, parameter.Rows, parameter.Cols);
            _epsilonSquared[p] = Math.Max(1, QFormat.Quantize(options.Epsilon * options.Epsilon, (2 * g) + SecondMomentExtraBits, 0, 1L << 62));
            double lr = options.LearningRate * (learningRateScales?[p] ?? 1.0);
            if (!(lr >= 0 && lr < 8))
            {
                throw new ArgumentOutOfRangeException(nameof(learningRateScales), lr, $"{parameter.Name}: the scaled learning rate must be in [0, 8).");
            }

            _initialRates[p] = QFormat.Quantize(lr, LearningRateFracBits(parameter.Formats), 0, long.MaxValue);
        }
    }

    public IReadOnlyList<QParameter> Parameters => _parameters;

    /// <summary>Fractional bits of the integer learning rate: lr · u lands <see cref="QSgd.RoundingShift"/> bits below the master LSB.</summary>
    public static int LearningRateFracBits(ParameterFormats f) => f.MasterFracBits - StepFracBits + QSgd.RoundingShift;

    /// <summary>Updates applied so far (Adam's t).</summary>
    public long Time(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        return arena.Int64(_clock)[TimeSlot];
    }

    /// <summary>The current learning rate of parameter p in real units (reporting).</summary>
    public double LearningRate(Arena arena, int p)
    {
        ArgumentNullException.ThrowIfNull(arena);
        return Math.ScaleB(arena.Int64(_learningRates)[p], -LearningRateFracBits(_parameters[p].Formats));
    }

    public void Initialise(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        StochasticRounding.Seed(arena.UInt32(_lanes), _options.Seed);
        _initialRates.CopyTo(arena.Int64(_learningRates));
        var config = arena.Int64(_config);
        config[Beta1Slot] = QFormat.Quantize(_options.Beta1, Q30, 0, 1L << Q30);
        config[Beta2Slot] = QFormat.Quantize(_options.Beta2, Q30, 0, 1L << Q30);
        config[OneMinusBeta1Slot] = (1L << Q30) - config[Beta1Slot];
        config[OneMinusBeta2Slot] = (1L << Q30) - config[Beta2Slot];
        config[DecaySlot] = QFormat.Quantize(_options.WeightDecay, Q30, 0, 1L << Q30);
        var clock = arena.Int64(_clock);
        clock[TimeSlot] = 0;
        clock[Beta1PowerSlot] = 1L << Q30;
        clock[Beta2PowerSlot] = 1L << Q30;
    }

    public void SetLearningRateFactor(Arena arena, double factor)
    {
        ArgumentNullException.ThrowIfNull(arena);
        LearningRateTable.SetFactor(arena.Int64(_learningRates), _initialRates, factor);
    }

    public void ScaleLearningRates(Arena arena, double factor)
    {
        ArgumentNullException.ThrowIfNull(arena);
        LearningRateTable.Scale(arena.Int64(_learningRates), factor);
    }

    /// <summary>Applies every accumulated gradient and zeroes the accumulators. Integer-only, no allocation.</summary>
    public void Apply(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ReadOnlySpan<long> config = arena.Int64(_config);
        Span<long> clock = arena.Int64(_clock);
        clock[TimeSlot]++;
        clock[Beta1PowerSlot] = MulShift(clock[Beta1PowerSlot], config[Beta1Slot], Q30);
        clock[Beta2PowerSlot] = MulShift(clock[Beta2PowerSlot], config[Beta2Slot], Q30);
        var constants = new Constants(
            config[OneMinusBeta1Slot],
            config[OneMinusBeta2Slot],
            config[DecaySlot],
            Correction(clock[Beta1PowerSlot]),
            Correction(clock[Beta2PowerSlot]));
        var lanes = arena.UInt32(_lanes);
        ReadOnlySpan<long> rates = arena.Int64(_learningRates);
        for (int p = 0; p < _parameters.Length; p++)
        {
            var parameter = _parameters[p];
            var g = arena.Int32(parameter.Gradient);
            int gradientSaturations = CountExtremes(g);
            Update(arena.Int32(parameter.Master), g, arena.Int64(_first[p]), arena.Int64(_second[p]), parameter.Formats, _epsilonSquared[p], rates[p], constants, lanes);
            int saturations = parameter.Refresh(arena);
            arena.CountSaturations(parameter.SaturationSlot, saturations);
            arena.CountSaturations(parameter.GradientSaturationSlot, gradientSaturations);
            arena.Clear(parameter.Gradient);
        }
    }

    // 1/(1 − β^t) in Q20, from β^t in Q30 (one integer division per update).
    private static long Correction(long powerQ30) => QMath.DivideRound(1L << (Q30 + CorrectionFracBits), Math.Max(1, (1L << Q30) - powerQ30));

    private static void Update(Span<int> master, ReadOnlySpan<int> g, Span<long> m, Span<long> v, ParameterFormats f, long epsilonSquared, long lrQ, in Constants c, Span<uint> lanes)
    {
        int gradientFrac = f.GradientFracBits;
        int firstFrac = gradientFrac + FirstMomentExtraBits;
        int secondFrac = (2 * gradientFrac) + SecondMomentExtraBits;
        int decayShift = Q30 + f.MasterFracBits - StepFracBits;
        for (int i = 0; i < master.Length; i++)
        {
            long gi = g[i];
            ref uint lane = ref lanes[i % StochasticRounding.Lanes];
            long mi = m[i] + MulShift((gi << FirstMomentExtraBits) - m[i], c.OneMinusBeta1, Q30);
            long vi = v[i] + MulShiftStochastic((Math.Min(gi * gi, MaxSquare) << SecondMomentExtraBits) - v[i], c.OneMinusBeta2, StochasticRounding.Next(ref lane));
            m[i] = mi;
            v[i] = vi;

            // v̂ + ε², normalised to x · 2^s, x in [2^28, 2^30), s even.
            long vHat = Math.Min(MulShift(vi, c.Correction2, CorrectionFracBits), 1L << 62) + epsilonSquared;
            int s = BitOperations.Log2((ulong)vHat) - 28;
            s -= s & 1;
            int x = (int)(s >= 0 ? vHat >> s : vHat << -s);
            int r = QFunctions.Rsqrt(x, 28, Q30);                       // 1/sqrt(x · 2^-28) in Q30
            int h = (s - secondFrac + 28) / 2;                           // 1/sqrt(v̂ + ε²) = r · 2^-30 · 2^-h
            long mHat = MulShift(mi, c.Correction1, CorrectionFracBits);
            long u = MulShift(mHat, r, firstFrac + Q30 + h - StepFracBits);
            if (c.Decay != 0)
            {
                u += MulShift(master[i], c.Decay, decayShift);
            }

            u = Math.Clamp(u, int.MinValue, int.MaxValue);
            uint draw = StochasticRounding.Next(ref lane);
            long delta = ((u * lrQ) + StochasticRounding.Offset(draw, QSgd.RoundingShift)) >> QSgd.RoundingShift;
            master[i] = QMath.SaturateToInt32(master[i] - delta);
        }
    }

    /// <summary>round(a · b / 2^shift), half up, saturated to int64; a negative shift multiplies by 2^−shift.</summary>
    internal static long MulShift(long a, long b, int shift)
    {
        Int128 product = (Int128)a * b;
        if (shift > 0)
        {
            product = shift >= 127 ? 0 : (product + ((Int128)1 << (shift - 1))) >> shift;
        }
        else if (shift < 0)
        {
            if (product != 0 && -shift >= 63)
            {
                return product > 0 ? long.MaxValue : long.MinValue;
            }

            product <<= -shift;
        }

        return product > long.MaxValue ? long.MaxValue : product < long.MinValue ? long.MinValue : (long)product;
    }

    // floor((a · b + r) / 2^30) with r uniform on [0, 2^30): the expected value is a · b / 2^30 exactly, so
    // second-moment increments far below one LSB (1 − β2 = 0.001 of a small g²) accumulate instead of vanishing.
    private static long MulShiftStochastic(long a, long b, uint draw)
    {
        Int128 product = ((Int128)a * b) + StochasticRounding.Offset(draw, Q30);
        product >>= Q30;
        return product > long.MaxValue ? long.MaxValue : product < long.MinValue ? long.MinValue : (long)product;
    }

    private static int CountExtremes(ReadOnlySpan<int> g)
    {
        int n = 0;
        foreach (int value in g)
        {
            if (value is int.MaxValue or int.MinValue)
            {
                n++;
            }
        }

        return n;
    }

    private readonly record struct Constants(long OneMinusBeta1, long OneMinusBeta2, long Decay, long Correction1, long Correction2);
}
