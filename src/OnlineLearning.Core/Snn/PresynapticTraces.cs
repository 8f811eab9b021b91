using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;
using static OnlineLearning.Core.Snn.SnnFormats;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// Presynaptic traces, O(n + m) per layer: â = λ â + x (OTTT, seed 002 2.3.2) and, with a leaky receiver (κ > 0),
/// ẑ = κ ẑ + â (Approx OTPE, seed 002 3.1 Eq. 5); the gradient is G += (L ⊙ g) ⊗ ẑ.
/// </summary>
internal sealed class PresynapticTraces : SnnLayerTraces
{
    private readonly ArenaTensor _aHat;       // â, m
    private readonly ArenaTensor _aTheta;     // â for θ, n
    private readonly ArenaTensor _eTheta;     // the presynaptic factor of θ without ẑ, Q10
    private readonly ArenaTensor? _zHat;      // ẑ, m
    private readonly ArenaTensor? _zTheta;    // ẑ for θ, n

    public PresynapticTraces(ArenaPlan plan, string p, SnnLayerConstants constants)
        : base(constants)
    {
        _aHat = plan.Add(p + ".a_hat", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, constants.FanIn);
        _aTheta = plan.Add(p + ".a_hat_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, constants.Size);
        _eTheta = plan.Add(p + ".e_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, constants.Size);
        if (constants.Kappa != 0)
        {
            _zHat = plan.Add(p + ".z_hat", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, constants.FanIn);
            _zTheta = plan.Add(p + ".z_hat_threshold", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, constants.Size);
        }
    }

    public override void Reset(Arena arena) => Clear(arena, [_aHat, _aTheta, _eTheta, _zHat, _zTheta]);

    // OTTT keeps the temporal Jacobian at λ (no surrogate through the reset). For θ the only remaining path is the
    // subtractive reset itself: â_θ = λ â_θ − λ y_{t-1} (LIF); the SNU reset is multiplicative, so â_θ stays 0.
    public override void BeforeNeuron(Arena arena, ReadOnlySpan<short> state, ReadOnlySpan<short> spikes, ReadOnlySpan<short> h, ReadOnlySpan<short> theta)
    {
        if (C.Neuron == NeuronKind.Snu)
        {
            return;
        }

        Span<short> aTheta = arena.Int16(_aTheta);
        for (int i = 0; i < C.Size; i++)
        {
            short decayed = QMath.MulQ15(C.Decay, aTheta[i]);
            aTheta[i] = spikes[i] != 0 ? QMath.SubSat(decayed, (short)((C.Decay * TraceOne + (1 << 14)) >> 15)) : decayed;
        }
    }

    public override void AfterNeuron(QKernels k, Arena arena, ReadOnlySpan<short> x)
    {
        ReadOnlySpan<short> decay = [C.Decay];
        k.TraceUpdate(arena.Int16(_aHat), 1, C.FanIn, decay, x);   // â = λ â + x
        if (_zHat is not null)
        {
            ReadOnlySpan<short> kappa = [C.Kappa];
            k.TraceUpdate(arena.Int16(_zHat), 1, C.FanIn, kappa, arena.Int16(_aHat));   // ẑ = κ ẑ + â

            // ẑ_θ = κ ẑ_θ + (â_θ − 1), filtered like ẑ.
            Span<short> zTheta = arena.Int16(_zTheta!);
            ReadOnlySpan<short> aTheta = arena.Int16(_aTheta);
            for (int i = 0; i < C.Size; i++)
            {
                zTheta[i] = QMath.SaturateToInt16(QMath.MulQ15(C.Kappa, zTheta[i]) + aTheta[i] - TraceOne);
            }
        }
    }

    // OTTT / Approx OTPE (seed 002 2.3.2, 3.1 Eq. 5): G += (L ⊙ ḡ) ⊗ ẑ; with κ = 0, ḡ = h' and ẑ = â.
    public override void Learn(QKernels k, Arena arena, SnnLearnSpans s)
    {
        var z = arena.Int16(_zHat ?? _aHat);
        if (s.UpdateNow)
        {
            // Every row, zero signal or not: each row's update draws its generator numbers.
            for (int i = 0; i < C.Size; i++)
            {
                s.WeightRow(k, i, s.Row, 0, z, s.C[i], ScaledSignalFrac, TraceFrac);
            }
        }
        else
        {
            WideSignal.OuterAccumulate(k, s.C, ScaledSignalFrac, z, TraceFrac, s.Gw, s.Row);
        }

        Span<short> zTheta = arena.Int16(_zTheta ?? _eTheta);
        if (_zTheta is null)
        {
            // The presynaptic factor of ∂y/∂θ = h' (â_θ − 1): c_θ = â_θ − 1.
            ReadOnlySpan<short> aTheta = arena.Int16(_aTheta);
            for (int i = 0; i < C.Size; i++)
            {
                zTheta[i] = QMath.SubSat(aTheta[i], TraceOne);
            }
        }

        WideSignal.AccumulateProduct(s.GTheta, s.C, ScaledSignalFrac, zTheta, TraceFrac);
    }
}
