using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;
using OnlineLearning.Numerics.Kernels;
using static OnlineLearning.Core.Snn.SnnFormats;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// One feed-forward spiking layer (SNU or subtractive-reset LIF) with the state its learning rule needs, all in
/// the arena. <see cref="Forward"/> runs the neuron and the forward-only traces; <see cref="Learn"/> takes the
/// layer's learning signal L = dE_t/dy_t and accumulates the gradient. Integer-only, allocation-free.
/// </summary>
internal sealed class QSnnLayer
{
    private readonly NeuronKind _neuron;
    private readonly LayerShape _shape;
    private readonly short _decay;          // d (SNU) or λ (LIF), Q15
    private readonly short _kappa;          // κ of R̂, ẑ and ḡ (see LayerShape), Q15
    private readonly FastSigmoidSurrogate _surrogate;
    private readonly int _n;
    private readonly int _m;

    // Neuron state.
    private readonly ArenaTensor _pre;        // int32 Q12: W x
    private readonly ArenaTensor _state;      // s (SNU) or v (LIF), Q12
    private readonly ArenaTensor _spikeBytes; // 0/1
    private readonly ArenaTensor _spikes;     // Q10
    private readonly ArenaTensor _u;          // v − θ, Q12
    private readonly ArenaTensor _h;          // h', Q15
    private readonly ArenaTensor _c;          // int32 Q28: L ⊙ g (g = h' or ḡ)
    private readonly ArenaTensor _row;        // scratch, m
    private readonly int _stateSlot;

    // Rule state (null when the rule does not keep it).
    private readonly ArenaTensor? _d;         // D_t, Q15 (OSTL family)
    private readonly ArenaTensor? _direct;    // ∂s_t/∂θ through the previous step, Q10
    private readonly ArenaTensor? _epsW;      // ε^W, n × m
    private readonly ArenaTensor? _epsTheta;  // ε^θ
    private readonly ArenaTensor? _eTheta;    // e^θ = dy/dθ, Q10
    private readonly ArenaTensor? _rW;        // R̂ for W, n × m
    private readonly ArenaTensor? _rTheta;    // R̂ for θ
    private readonly ArenaTensor? _aHat;      // â, m
    private readonly ArenaTensor? _aTheta;    // â for θ, n
    private readonly ArenaTensor? _zHat;      // ẑ, m
    private readonly ArenaTensor? _zTheta;    // ẑ for θ, n
    private readonly ArenaTensor? _gSum;      // int32 Q15: Σ κ^(t−τ) h'_τ
    private readonly ArenaTensor? _gWeight;   // int32 Q15: Σ κ^(t−τ), one value
    private readonly ArenaTensor? _gBar;      // ḡ, Q15

    public QSnnLayer(ArenaPlan plan, int index, SnnSpec spec, int fanIn, int size, LayerShape shape, bool momentum)
    {
        string p = $"layers[{index}]";
        _neuron = spec.Neuron;
        _shape = shape;
        _decay = Q15(spec.Decay);
        _kappa = Q15(shape.Kappa);
        _surrogate = new FastSigmoidSurrogate(spec.SurrogateSlope, MembraneFrac);
        _n = size;
        _m = fanIn;
        W = new QParameter(plan, p + ".W", size, fanIn, Parameters, momentum);
        Threshold = new QParameter(plan, p + ".threshold", size, 1, Parameters, momentum);

        _pre = plan.Add(p + ".pre", TensorRole.Scratch, ArenaElement.Int32, MembraneFrac, size);
        _state = plan.Add(p + (_neuron == NeuronKind.Snu ? ".s" : ".v"), TensorRole.NeuronState, ArenaElement.Int16, MembraneFrac, size);
        _spikeBytes = plan.Add(p + ".spike_bits", TensorRole.NeuronState, ArenaElement.Int8, ArenaTensor.NotFixedPoint, size);
        _spikes = plan.Add(p + ".y", TensorRole.NeuronState, ArenaElement.Int16, ActivationFrac, size);
        _u = plan.Add(p + ".u", TensorRole.NeuronState, ArenaElement.Int16, MembraneFrac, size);
        _h = plan.Add(p + ".surrogate", TensorRole.NeuronState, ArenaElement.Int16, 15, size);
        _c = plan.Add(p + ".signal_g", TensorRole.Scratch, ArenaElement.Int32, ScaledSignalFrac, size);
        _row = plan.Add(p + ".row_scratch", TensorRole.Scratch, ArenaElement.Int16, TraceFrac, fanIn);
        _stateSlot = plan.TrackSaturation(_state);

        bool leaky = _kappa != 0;
        if (!shape.Presynaptic)
        {
            _d = plan.Add(p + ".D", TensorRole.RuleTrace, ArenaElement.Int16, 15, size);
            _direct = plan.Add(p + ".dtheta_direct", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            _epsW = plan.Add(p + ".eps_W", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size, fanIn);
            _epsTheta = plan.Add(p + ".eps_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            _eTheta = plan.Add(p + ".e_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            if (leaky)
            {
                _rW = plan.Add(p + ".R_W", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size, fanIn);
                _rTheta = plan.Add(p + ".R_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            }
        }
        else
        {
            _aHat = plan.Add(p + ".a_hat", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, fanIn);
            _aTheta = plan.Add(p + ".a_hat_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            _eTheta = plan.Add(p + ".e_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            if (leaky)
            {
                _zHat = plan.Add(p + ".z_hat", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, fanIn);
                _zTheta = plan.Add(p + ".z_hat_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, size);
            }
        }

        if (leaky && (shape.Presynaptic || shape.Averaged))
        {
            _gSum = plan.Add(p + ".g_sum", TensorRole.RuleTrace, ArenaElement.Int32, 15, size);
            _gWeight = plan.Add(p + ".g_weight", TensorRole.RuleTrace, ArenaElement.Int32, 15, 1);
            _gBar = plan.Add(p + ".g_bar", TensorRole.RuleTrace, ArenaElement.Int16, 15, size);
        }
    }

    public QParameter W { get; }

    public QParameter Threshold { get; }

    public int Size => _n;

    public int FanIn => _m;

    /// <summary>This step's spikes in the activation format (Q10).</summary>
    public Span<short> Spikes(Arena arena) => arena.Int16(_spikes);

    /// <summary>L ⊙ g of the last <see cref="Learn"/> (int32 Q28): what flows on to the layer below through Wᵀ.</summary>
    public Span<int> SignalTimesSurrogate(Arena arena) => arena.Int32(_c);

    /// <summary>Zeroes neuron state and traces (sequence start). Gradients and weights are kept.</summary>
    public void ResetState(Arena arena)
    {
        foreach (var t in (ReadOnlySpan<ArenaTensor?>)[_pre, _state, _spikeBytes, _spikes, _u, _h, _c, _d, _direct, _epsW, _epsTheta,
            _eTheta, _rW, _rTheta, _aHat, _aTheta, _zHat, _zTheta, _gSum, _gWeight, _gBar])
        {
            if (t is not null)
            {
                arena.Clear(t);
            }
        }
    }

    /// <summary>
    /// One neuron step on input x (Q10) plus, when <paramref name="learning"/>, the traces that need no learning
    /// signal (inference leaves every trace as it was).
    /// </summary>
    public void Forward(QKernels k, Arena arena, ReadOnlySpan<short> x, bool learning)
    {
        var state = arena.Int16(_state);
        var spikes = arena.Int16(_spikes);
        var h = arena.Int16(_h);
        var theta = arena.Int16(Threshold.Value);

        // Terms that read the previous step (s_{t-1}, y_{t-1}, h'_{t-1}) come before the state moves on.
        if (learning && _d is not null)
        {
            PreviousStepJacobians(state, spikes, h, theta, arena.Int16(_d), arena.Int16(_direct!));
        }

        if (learning && _aTheta is not null)
        {
            OtttThresholdTrace(arena.Int16(_aTheta), spikes);
        }

        var pre = arena.Int32(_pre);
        k.MatVec(arena.Int16(W.Value), _n, _m, x, WeightFrac + ActivationFrac - MembraneFrac, pre);
        arena.CountSaturations(_stateSlot, NeuronUpdate(pre, state, spikes, theta));

        var bits = arena.Bytes(_spikeBytes);
        k.Threshold(state, theta, bits);
        for (int i = 0; i < _n; i++)
        {
            spikes[i] = bits[i] != 0 ? Spike : (short)0;
        }

        var u = arena.Int16(_u);
        k.Subtract(state, theta, u);
        _surrogate.Evaluate(u, h);

        if (learning && _gBar is not null)
        {
            SurrogateAverage(arena.Int32(_gSum!), arena.Int32(_gWeight!), arena.Int16(_gBar), h);
        }

        if (learning && _aHat is not null)
        {
            ReadOnlySpan<short> decay = [_decay];
            k.TraceUpdate(arena.Int16(_aHat), 1, _m, decay, x);   // â = λ â + x
            if (_zHat is not null)
            {
                ReadOnlySpan<short> kappa = [_kappa];
                k.TraceUpdate(arena.Int16(_zHat), 1, _m, kappa, arena.Int16(_aHat));   // ẑ = κ ẑ + â
                PresynapticThresholdTrace(arena.Int16(_zTheta!), arena.Int16(_aTheta!));
            }
        }
    }

    /// <summary>
    /// Accumulates this step's gradient for the learning signal L = dE_t/dy_t (int32 Q24), and leaves L ⊙ g in
    /// <see cref="SignalTimesSurrogate"/>. x is the same input <see cref="Forward"/> saw. Returns the number of
    /// saturated L ⊙ g elements.
    /// </summary>
    public int Learn(QKernels k, Arena arena, ReadOnlySpan<short> x, ReadOnlySpan<int> signal)
    {
        var h = arena.Int16(_h);
        var c = arena.Int32(_c);
        var gw = arena.Int32(W.Gradient);
        var gTheta = arena.Int32(Threshold.Gradient);
        if (_shape.Presynaptic)
        {
            // OTTT / Approx OTPE (seed 002 2.3.2, 3.1 Eq. 5): G += (L ⊙ ḡ) ⊗ ẑ; with κ = 0, ḡ = h' and ẑ = â.
            int saturations = WideSignal.Multiply(signal, _gBar is null ? h : arena.Int16(_gBar), SignalFrac, ScaledSignalFrac, c);
            var z = _zHat is null ? arena.Int16(_aHat!) : arena.Int16(_zHat);
            WideSignal.OuterAccumulate(k, c, ScaledSignalFrac, z, TraceFrac, gw, arena.Int16(_row));
            var zTheta = _zTheta is null ? arena.Int16(_eTheta!) : arena.Int16(_zTheta);
            if (_zTheta is null)
            {
                ThresholdFactor(arena.Int16(_aTheta!), zTheta);
            }

            WideSignal.AccumulateProduct(gTheta, c, ScaledSignalFrac, zTheta, TraceFrac);
            return saturations;
        }

        // OSTL / OTPE: the spatial signal passes on with ḡ when averaged (seed 002 3.1), else with h'_t (seed 000 Eq. 18).
        int saturated = WideSignal.Multiply(signal, _shape.Averaged && _gBar is not null ? arena.Int16(_gBar) : h, SignalFrac, ScaledSignalFrac, c);
        if (_rW is null)
        {
            OstlLearn(k, arena, x, signal, h, gw, gTheta);
        }
        else
        {
            OtpeLearn(k, arena, x, signal, h, gw, gTheta);
        }

        return saturated;
    }

    /// <summary>
    /// The learning signal of the layer below through the current step only (seed 000 Eq. 18):
    /// L_{l-1} = W_lᵀ (L_l ⊙ g_l), int32 Q24. Returns the number of saturated elements.
    /// </summary>
    public int PropagateSignal(QKernels k, Arena arena, Span<int> below) =>
        WideSignal.TransposedProduct(k, arena.Int16(W.Value), WeightFrac, arena.Int32(_c), ScaledSignalFrac, below, SignalFrac, arena.Int16(_row));

    private void OstlLearn(QKernels k, Arena arena, ReadOnlySpan<short> x, ReadOnlySpan<int> signal, ReadOnlySpan<short> h, Span<int> gw, Span<int> gTheta)
    {
        // ε^W = D ε^W + x and G += (L ⊙ h') ⊗ ε^W in one pass per row (seed 000 Eq. 11, 12, 14); L ⊙ h' is
        // formed here in Q28 (not from c, which may hold ḡ) and meets each row with its own exponent.
        var eps = arena.Int16(_epsW!);
        var d = arena.Int16(_d!);
        var epsTheta = arena.Int16(_epsTheta!);
        ThresholdEligibility(epsTheta, d, arena.Int16(_direct!), h, arena.Int16(_eTheta!));
        for (int i = 0; i < _n; i++)
        {
            int lh = QMath.SaturateToInt32(QMath.ShiftRightRound((long)signal[i] * h[i], SignalFrac + 15 - ScaledSignalFrac));
            WideSignal.TraceRow(k, eps.Slice(i * _m, _m), d[i], x, lh, ScaledSignalFrac, TraceFrac, gw.Slice(i * _m, _m));

            // dθ: (L h') (ε^θ − 1), the product of e^θ = h' (ε^θ − 1) with L taken in the wide format.
            long product = (long)lh * (epsTheta[i] - TraceOne);
            gTheta[i] = QMath.AddSat(gTheta[i], QMath.SaturateToInt32(QMath.ShiftRightRound(product, ScaledSignalFrac + TraceFrac - GradientFrac)));
        }
    }

    private void OtpeLearn(QKernels k, Arena arena, ReadOnlySpan<short> x, ReadOnlySpan<int> signal, ReadOnlySpan<short> h, Span<int> gw, Span<int> gTheta)
    {
        // ε^W as in OSTL, then R̂ = h' ε^W + ρ R̂ row by row, with G += L ⊙ R̂ fused in (seed 002 Eq. 3-4).
        var eps = arena.Int16(_epsW!);
        var r = arena.Int16(_rW!);
        var row = arena.Int16(_row);
        k.TraceUpdate(eps, _n, _m, arena.Int16(_d!), x);
        for (int i = 0; i < _n; i++)
        {
            var epsRow = eps.Slice(i * _m, _m);
            k.ScaleQ15(epsRow, h[i], row);
            WideSignal.TraceRow(k, r.Slice(i * _m, _m), _kappa, row, signal[i], SignalFrac, TraceFrac, gw.Slice(i * _m, _m));
        }

        var eTheta = arena.Int16(_eTheta!);
        var rTheta = arena.Int16(_rTheta!);
        ThresholdEligibility(arena.Int16(_epsTheta!), arena.Int16(_d!), arena.Int16(_direct!), h, eTheta);
        for (int i = 0; i < _n; i++)
        {
            rTheta[i] = QMath.AddSat(QMath.MulQ15(_kappa, rTheta[i]), eTheta[i]);
        }

        WideSignal.AccumulateProduct(gTheta, signal, SignalFrac, rTheta, TraceFrac);
    }

    // D_t = ds_t/ds_{t-1} (seed 000 Eq. 16) and the direct θ term of ds_t/dθ (Eq. 15), from the previous step.
    private void PreviousStepJacobians(ReadOnlySpan<short> s, ReadOnlySpan<short> y, ReadOnlySpan<short> h, ReadOnlySpan<short> theta, Span<short> d, Span<short> direct)
    {
        long decay = _decay;
        for (int i = 0; i < _n; i++)
        {
            bool spiked = y[i] != 0;
            if (_neuron == NeuronKind.Snu)
            {
                // s_t = W x + d s_{t-1} (1 − y_{t-1}), y = H(s − θ): D = d (1 − y) − d s h', direct = + d s h'.
                long dsh = decay * s[i] * h[i];                          // Q42
                long dsh15 = QMath.ShiftRightRound(dsh, 27);            // Q15
                d[i] = QMath.SaturateToInt16((spiked ? 0 : decay) - dsh15);
                direct[i] = QMath.SaturateToInt16(QMath.ShiftRightRound(dsh, 32));   // Q10
            }
            else
            {
                // v_t = λ (v_{t-1} − θ y_{t-1}) + W x: D = λ (1 − θ h'), direct = λ (θ h' − y).
                long thetaH = QMath.ShiftRightRound((long)theta[i] * h[i], 12);     // Q15
                d[i] = QMath.SaturateToInt16(QMath.ShiftRightRound(decay * (32768 - thetaH), 15));
                long inner = QMath.ShiftRightRound(thetaH, 5) - (spiked ? TraceOne : 0);   // Q10
                direct[i] = QMath.SaturateToInt16(QMath.ShiftRightRound(decay * inner, 15));
            }
        }
    }

    // ε^θ = D ε^θ + direct; e^θ = dy/dθ = h' (ε^θ − 1) (y = H(s − θ)).
    private void ThresholdEligibility(Span<short> eps, ReadOnlySpan<short> d, ReadOnlySpan<short> direct, ReadOnlySpan<short> h, Span<short> e)
    {
        for (int i = 0; i < _n; i++)
        {
            eps[i] = QMath.AddSat(QMath.MulQ15(d[i], eps[i]), direct[i]);
            e[i] = QMath.SaturateToInt16(QMath.ShiftRightRound((eps[i] - TraceOne) * h[i], 15));
        }
    }

    // OTTT keeps the temporal Jacobian at λ (no surrogate through the reset). For θ the only remaining path is the
    // subtractive reset itself: â_θ = λ â_θ − λ y_{t-1} (LIF); the SNU reset is multiplicative, so â_θ stays 0.
    private void OtttThresholdTrace(Span<short> aTheta, ReadOnlySpan<short> previousSpikes)
    {
        if (_neuron == NeuronKind.Snu)
        {
            return;
        }

        for (int i = 0; i < _n; i++)
        {
            short decayed = QMath.MulQ15(_decay, aTheta[i]);
            aTheta[i] = previousSpikes[i] != 0 ? QMath.SubSat(decayed, (short)((_decay * TraceOne + (1 << 14)) >> 15)) : decayed;
        }
    }

    // The presynaptic factor of ∂y/∂θ = h' (â_θ − 1): c_θ = â_θ − 1.
    private void ThresholdFactor(ReadOnlySpan<short> aTheta, Span<short> factor)
    {
        for (int i = 0; i < _n; i++)
        {
            factor[i] = QMath.SubSat(aTheta[i], TraceOne);
        }
    }

    // ẑ_θ = κ ẑ_θ + (â_θ − 1), filtered like ẑ.
    private void PresynapticThresholdTrace(Span<short> zTheta, ReadOnlySpan<short> aTheta)
    {
        for (int i = 0; i < _n; i++)
        {
            zTheta[i] = QMath.SaturateToInt16(QMath.MulQ15(_kappa, zTheta[i]) + aTheta[i] - TraceOne);
        }
    }

    // ḡ_t = Σ κ^(t−τ) h'_τ / Σ κ^(t−τ): seed 002 3.1's running average, normalised by its weights (as the
    // reference does) so that κ = 0 gives h'_t.
    private void SurrogateAverage(Span<int> sum, Span<int> weight, Span<short> average, ReadOnlySpan<short> h)
    {
        int w = QMath.AddSat(QMath.MulShiftRound(weight[0], _kappa, 15), 1 << 15);
        weight[0] = w;
        for (int i = 0; i < _n; i++)
        {
            sum[i] = QMath.AddSat(QMath.MulShiftRound(sum[i], _kappa, 15), h[i]);
            average[i] = QMath.SaturateToInt16((((long)sum[i] << 15) + (w >> 1)) / w);
        }
    }

    // SNU: s = W x + d s (1 − y); LIF: v = λ (v − θ y) + W x. Returns the number of saturated states.
    private int NeuronUpdate(ReadOnlySpan<int> pre, Span<short> state, ReadOnlySpan<short> spikes, ReadOnlySpan<short> theta)
    {
        int saturations = 0;
        for (int i = 0; i < _n; i++)
        {
            bool spiked = spikes[i] != 0;
            int carried = _neuron == NeuronKind.Snu
                ? (spiked ? 0 : QMath.MulQ15(_decay, state[i]))
                : QMath.MulShiftRound(_decay, state[i] - (spiked ? theta[i] : 0), 15);
            long next = (long)pre[i] + carried;
            if (next is > short.MaxValue or < short.MinValue)
            {
                saturations++;
            }

            state[i] = QMath.SaturateToInt16(next);
        }

        return saturations;
    }
}
