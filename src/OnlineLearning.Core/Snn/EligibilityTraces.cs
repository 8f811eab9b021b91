using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;
using static OnlineLearning.Core.Snn.SnnFormats;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// Per-synapse eligibility traces: ε^W = D ε^W + x and ε^θ (OSTL, seed 000 Eq. 11-16), and with a leaky receiver
/// (κ > 0) the filtered R̂ = h' ε^W + κ R̂ of OTPE (seed 002 Eq. 3-4). O(n·m) state per layer.
/// </summary>
internal sealed class EligibilityTraces : SnnLayerTraces
{
    private readonly ArenaTensor _d;          // D_t, Q15
    private readonly ArenaTensor _direct;     // ∂s_t/∂θ through the previous step, Q10
    private readonly ArenaTensor _epsW;       // ε^W, n × m
    private readonly ArenaTensor _epsTheta;   // ε^θ
    private readonly ArenaTensor _eTheta;     // e^θ = dy/dθ, Q10
    private readonly ArenaTensor? _rW;        // R̂ for W, n × m (OTPE)
    private readonly ArenaTensor? _rTheta;    // R̂ for θ (OTPE)

    public EligibilityTraces(ArenaPlan plan, string p, SnnLayerConstants constants)
        : base(constants)
    {
        int n = constants.Size, m = constants.FanIn;
        _d = plan.Add(p + ".D", TensorRole.RuleTrace, ArenaElement.Int16, 15, n);
        _direct = plan.Add(p + ".dtheta_direct", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, n);
        _epsW = plan.Add(p + ".eps_W", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, n, m);
        _epsTheta = plan.Add(p + ".eps_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, n);
        _eTheta = plan.Add(p + ".e_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, n);
        if (constants.Kappa != 0)
        {
            _rW = plan.Add(p + ".R_W", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, n, m);
            _rTheta = plan.Add(p + ".R_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, n);
        }
    }

    public override void Reset(Arena arena) => Clear(arena, [_d, _direct, _epsW, _epsTheta, _eTheta, _rW, _rTheta]);

    // D_t = ds_t/ds_{t-1} (seed 000 Eq. 16) and the direct θ term of ds_t/dθ (Eq. 15), from the previous step.
    public override void BeforeNeuron(Arena arena, ReadOnlySpan<short> state, ReadOnlySpan<short> spikes, ReadOnlySpan<short> h, ReadOnlySpan<short> theta)
    {
        Span<short> d = arena.Int16(_d), direct = arena.Int16(_direct);
        long decay = C.Decay;
        for (int i = 0; i < C.Size; i++)
        {
            bool spiked = spikes[i] != 0;
            if (C.Neuron == NeuronKind.Snu)
            {
                // s_t = W x + d s_{t-1} (1 − y_{t-1}), y = H(s − θ): D = d (1 − y) − d s h', direct = + d s h'.
                long dsh = decay * state[i] * h[i];                      // Q42
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

    public override void Learn(QKernels k, Arena arena, SnnLearnSpans s)
    {
        if (_rW is null)
        {
            OstlLearn(k, arena, s);
        }
        else
        {
            OtpeLearn(k, arena, s);
        }
    }

    private void OstlLearn(QKernels k, Arena arena, SnnLearnSpans s)
    {
        // ε^W = D ε^W + x and G += (L ⊙ h') ⊗ ε^W in one pass per row (seed 000 Eq. 11, 12, 14); L ⊙ h' is
        // formed here in Q28 (not from c, which may hold ḡ) and meets each row with its own exponent.
        int n = C.Size, m = C.FanIn;
        var eps = arena.Int16(_epsW);
        var d = arena.Int16(_d);
        var epsTheta = arena.Int16(_epsTheta);
        ThresholdEligibility(epsTheta, d, arena.Int16(_direct), s.H, arena.Int16(_eTheta));
        for (int i = 0; i < n; i++)
        {
            int lh = QMath.SaturateToInt32(QMath.ShiftRightRound((long)s.Signal[i] * s.H[i], SignalFrac + 15 - ScaledSignalFrac));
            s.WeightRow(k, i, eps.Slice(i * m, m), d[i], s.X, lh, ScaledSignalFrac, TraceFrac);

            // dθ: (L h') (ε^θ − 1), the product of e^θ = h' (ε^θ − 1) with L taken in the wide format.
            long product = (long)lh * (epsTheta[i] - TraceOne);
            s.GTheta[i] = QMath.AddSat(s.GTheta[i], QMath.SaturateToInt32(QMath.ShiftRightRound(product, ScaledSignalFrac + TraceFrac - GradientFrac)));
        }
    }

    private void OtpeLearn(QKernels k, Arena arena, SnnLearnSpans s)
    {
        // ε^W as in OSTL, then R̂ = h' ε^W + ρ R̂ row by row, with G += L ⊙ R̂ fused in (seed 002 Eq. 3-4).
        int n = C.Size, m = C.FanIn;
        var eps = arena.Int16(_epsW);
        var r = arena.Int16(_rW!);
        k.TraceUpdate(eps, n, m, arena.Int16(_d), s.X);
        for (int i = 0; i < n; i++)
        {
            var epsRow = eps.Slice(i * m, m);
            k.ScaleQ15(epsRow, s.H[i], s.Row);
            s.WeightRow(k, i, r.Slice(i * m, m), C.Kappa, s.Row, s.Signal[i], SignalFrac, TraceFrac);
        }

        var eTheta = arena.Int16(_eTheta);
        var rTheta = arena.Int16(_rTheta!);
        ThresholdEligibility(arena.Int16(_epsTheta), arena.Int16(_d), arena.Int16(_direct), s.H, eTheta);
        for (int i = 0; i < n; i++)
        {
            rTheta[i] = QMath.AddSat(QMath.MulQ15(C.Kappa, rTheta[i]), eTheta[i]);
        }

        WideSignal.AccumulateProduct(s.GTheta, s.Signal, SignalFrac, rTheta, TraceFrac);
    }

    // ε^θ = D ε^θ + direct; e^θ = dy/dθ = h' (ε^θ − 1) (y = H(s − θ)).
    private void ThresholdEligibility(Span<short> eps, ReadOnlySpan<short> d, ReadOnlySpan<short> direct, ReadOnlySpan<short> h, Span<short> e)
    {
        for (int i = 0; i < C.Size; i++)
        {
            eps[i] = QMath.AddSat(QMath.MulQ15(d[i], eps[i]), direct[i]);
            e[i] = QMath.SaturateToInt16(QMath.ShiftRightRound((eps[i] - TraceOne) * h[i], 15));
        }
    }
}
