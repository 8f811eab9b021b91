using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Snn;

/// <summary>What a layer's rule state needs to know about the layer: neuron kind, λ or d, κ (Q15) and the sizes.</summary>
internal readonly record struct SnnLayerConstants(NeuronKind Neuron, short Decay, short Kappa, int Size, int FanIn);

/// <summary>
/// The state a learning rule keeps for one spiking layer, and how it turns the layer's learning signal into
/// gradients. The neuron itself (<see cref="QSnnLayer"/>) is the same for every rule; this part is per rule, as in
/// the float64 reference (a neuron part and a trace object per rule). Every tensor is in the arena with role
/// <see cref="TensorRole.RuleTrace"/>.
/// </summary>
internal abstract class SnnLayerTraces
{
    protected SnnLayerTraces(SnnLayerConstants constants) => C = constants;

    protected SnnLayerConstants C { get; }

    /// <summary>The per-rule traces for a layer of this shape: per-synapse eligibility (OSTL, OTPE) or presynaptic (OTTT, Approx OTPE).</summary>
    public static SnnLayerTraces Create(ArenaPlan plan, string prefix, SnnLayerConstants constants, LayerShape shape) => shape.Presynaptic
        ? new PresynapticTraces(plan, prefix, constants)
        : new EligibilityTraces(plan, prefix, constants);

    /// <summary>Zeroes the traces (sequence start).</summary>
    public abstract void Reset(Arena arena);

    /// <summary>Terms that read the previous step (s, y, h' of t−1), before the neuron moves on.</summary>
    public abstract void BeforeNeuron(Arena arena, ReadOnlySpan<short> state, ReadOnlySpan<short> spikes, ReadOnlySpan<short> h, ReadOnlySpan<short> theta);

    /// <summary>Traces driven by this step's input alone, after the neuron moved on.</summary>
    public virtual void AfterNeuron(QKernels k, Arena arena, ReadOnlySpan<short> x)
    {
    }

    /// <summary>
    /// Accumulates this step's gradients into gw (W) and gTheta (θ) for the learning signal L (int32 Q24); c holds
    /// L ⊙ g (Q28) already, with g = h' or ḡ. row is fan-in scratch.
    /// </summary>
    public abstract void Learn(QKernels k, Arena arena, SnnLearnSpans spans);

    protected static void Clear(Arena arena, ReadOnlySpan<ArenaTensor?> tensors)
    {
        foreach (var t in tensors)
        {
            if (t is not null)
            {
                arena.Clear(t);
            }
        }
    }
}

/// <summary>The spans one learning step of a layer works on.</summary>
internal readonly ref struct SnnLearnSpans
{
    /// <summary>The spans of one step; with <paramref name="updateNow"/>, W's gradient rows go straight into an SGD step through <paramref name="rows"/>.</summary>
    public SnnLearnSpans(
        ReadOnlySpan<short> x, ReadOnlySpan<int> signal, ReadOnlySpan<short> h, ReadOnlySpan<int> c, Span<int> gw, Span<int> gTheta, Span<short> row,
        SgdRows rows, bool updateNow)
    {
        Rows = rows;
        UpdateNow = updateNow;
        X = x;
        Signal = signal;
        H = h;
        C = c;
        Gw = gw;
        GTheta = gTheta;
        Row = row;
    }

    /// <summary>The layer input of this step (Q10).</summary>
    public ReadOnlySpan<short> X { get; }

    /// <summary>L = dE_t/dy_t, int32 Q24.</summary>
    public ReadOnlySpan<int> Signal { get; }

    /// <summary>The surrogate derivative h'_t (Q15).</summary>
    public ReadOnlySpan<short> H { get; }

    /// <summary>L ⊙ g, int32 Q28.</summary>
    public ReadOnlySpan<int> C { get; }

    public Span<int> Gw { get; }

    public Span<int> GTheta { get; }

    public Span<short> Row { get; }

    /// <summary>Whether W's gradient rows are consumed by <see cref="Rows"/> as they are formed instead of accumulated in <see cref="Gw"/>.</summary>
    public bool UpdateNow { get; }

    /// <summary>The immediate SGD step on W, row by row (when <see cref="UpdateNow"/>).</summary>
    public SgdRows Rows { get; }

    /// <summary>
    /// Row i of W's trace pass: e = a e + x, and the gradient row c · e (c int32 in cFrac, e in traceFrac) either
    /// accumulated into <see cref="Gw"/> or, with <see cref="UpdateNow"/>, applied at once; the weights end up the same.
    /// </summary>
    public void WeightRow(QKernels k, int i, Span<short> e, short a, ReadOnlySpan<short> x, int c, int cFrac, int traceFrac)
    {
        if (UpdateNow)
        {
            WideSignal.TraceRowUpdate(Rows, i, e, a, x, c, cFrac, traceFrac);
        }
        else
        {
            WideSignal.TraceRow(k, e, a, x, c, cFrac, traceFrac, Gw.Slice(i * x.Length, x.Length));
        }
    }
}
