using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;
using OnlineLearning.Numerics.Kernels;
using static OnlineLearning.Core.Snn.SnnFormats;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// One feed-forward spiking layer (SNU or subtractive-reset LIF): the neuron, the same for every rule, and the
/// state its learning rule keeps (<see cref="SnnLayerTraces"/>, <see cref="SurrogateAverageTrace"/>), all in the
/// arena. <see cref="Forward"/> runs the neuron and the forward-only traces; <see cref="Learn"/> takes the layer's
/// learning signal L = dE_t/dy_t and accumulates the gradient. Integer-only, allocation-free.
/// </summary>
internal sealed class QSnnLayer
{
    private readonly NeuronKind _neuron;
    private readonly short _decay;          // d (SNU) or λ (LIF), Q15
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

    // The rule's state: per-synapse or presynaptic traces, and ḡ where the rule averages the surrogate.
    private readonly SnnLayerTraces _traces;
    private readonly SurrogateAverageTrace? _average;

    public QSnnLayer(ArenaPlan plan, int index, SnnSpec spec, int fanIn, int size, LayerShape shape, bool momentum)
    {
        string p = $"layers[{index}]";
        _neuron = spec.Neuron;
        _decay = Q15(spec.Decay);
        short kappa = Q15(shape.Kappa);
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

        _traces = SnnLayerTraces.Create(plan, p, new SnnLayerConstants(_neuron, _decay, kappa, size, fanIn), shape);
        if (kappa != 0 && (shape.Presynaptic || shape.Averaged))
        {
            _average = new SurrogateAverageTrace(plan, p, size, kappa);
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
        foreach (var t in (ReadOnlySpan<ArenaTensor>)[_pre, _state, _spikeBytes, _spikes, _u, _h, _c])
        {
            arena.Clear(t);
        }

        _traces.Reset(arena);
        _average?.Reset(arena);
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
        if (learning)
        {
            _traces.BeforeNeuron(arena, state, spikes, h, theta);
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

        if (learning)
        {
            _average?.Update(arena, h);
            _traces.AfterNeuron(k, arena, x);
        }
    }

    /// <summary>
    /// Accumulates this step's gradient for the learning signal L = dE_t/dy_t (int32 Q24), and leaves L ⊙ g in
    /// <see cref="SignalTimesSurrogate"/> (g = ḡ where the rule averages the surrogate, else h'_t: seed 002 3.1,
    /// seed 000 Eq. 18). x is the same input <see cref="Forward"/> saw. Returns the number of saturated L ⊙ g elements.
    /// </summary>
    public int Learn(QKernels k, Arena arena, ReadOnlySpan<short> x, ReadOnlySpan<int> signal)
    {
        int saturations = FormSignal(arena, signal);
        _traces.Learn(k, arena, Spans(arena, x, signal, default, updateNow: false));
        return saturations;
    }

    /// <summary>
    /// The first half of <see cref="Learn"/>: c = L ⊙ g (<see cref="SignalTimesSurrogate"/>), which
    /// <see cref="PropagateSignal"/> needs. Returns the number of saturated elements.
    /// </summary>
    public int FormSignal(Arena arena, ReadOnlySpan<int> signal)
    {
        ReadOnlySpan<short> g = _average is null ? arena.Int16(_h) : _average.Average(arena);
        return WideSignal.Multiply(signal, g, SignalFrac, ScaledSignalFrac, arena.Int32(_c));
    }

    /// <summary>
    /// The second half of <see cref="Learn"/> under immediate SGD: the trace pass, with each W gradient row applied
    /// by <paramref name="rows"/> as it is formed (θ's gradient is still accumulated). <see cref="FormSignal"/> must
    /// have run for this step, and W must not be read again this step (the signal below was propagated already).
    /// </summary>
    public void LearnUpdating(QKernels k, Arena arena, ReadOnlySpan<short> x, ReadOnlySpan<int> signal, SgdRows rows) =>
        _traces.Learn(k, arena, Spans(arena, x, signal, rows, updateNow: true));

    private SnnLearnSpans Spans(Arena arena, ReadOnlySpan<short> x, ReadOnlySpan<int> signal, SgdRows rows, bool updateNow) =>
        new(x, signal, arena.Int16(_h), arena.Int32(_c), arena.Int32(W.Gradient), arena.Int32(Threshold.Gradient), arena.Int16(_row), rows, updateNow);

    /// <summary>
    /// The learning signal of the layer below through the current step only (seed 000 Eq. 18):
    /// L_{l-1} = W_lᵀ (L_l ⊙ g_l), int32 Q24. Returns the number of saturated elements.
    /// </summary>
    public int PropagateSignal(QKernels k, Arena arena, Span<int> below) =>
        WideSignal.TransposedProduct(k, arena.Int16(W.Value), WeightFrac, arena.Int32(_c), ScaledSignalFrac, below, SignalFrac, arena.Int16(_row));

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
