using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// A stack of fixed-point LRU layers between an optional linear encoder and decoder (<see cref="QDense"/>),
/// learning online at every step with a local loss (seed 004 3.2): forward through the stack, the loss error
/// backpropagated through the current step (and, for the truncated rule, once more through the previous one),
/// each layer's sensitivities combined with its error. Every buffer lives in one <see cref="Memory.Arena"/>;
/// updates go through the shared optimiser (<see cref="Optimizers.Create"/>). <see cref="Step"/> is integer-only and allocates nothing.
/// </summary>
public sealed class QLruNetwork : OnlineNetwork
{
    private readonly QKernels _k;
    private readonly QLruLayer[] _layers;
    private readonly QDense? _encoder;
    private readonly QDense? _decoder;
    private readonly IOptimizer _optimizer;
    private readonly ArenaTensor[] _act;      // _act[l]: input of layer l (Q11); _act[L]: stack output
    private readonly ArenaTensor[] _err;      // _err[l]: dL/d_act[l] (Q24)
    private readonly ArenaTensor[] _inputs;   // the input at this step and (truncated) the one before
    private readonly ArenaTensor _encoded, _output, _dOut, _target, _expScratch, _outputSum;
    private readonly ArenaTensor _control;    // int32: [0] input slot, [1] has a previous step, [2] steps in sequence
    private readonly int _errorSlot;
    private readonly bool _truncated;
    private readonly QParameter[] _parameterList;

    private QLruNetwork(LruSpec spec, QLruOptions options)
        : base(new ArenaPlan(), options.Schedule)
    {
        Spec = spec;
        Options = options;
        _k = options.Kernels ?? Backends.Current;
        _truncated = options.Rule == LruRule.Truncated;
        int h = spec.Width;
        bool momentum = Optimizers.NeedsVelocity(options.Sgd);
        _inputs = Enumerable.Range(0, _truncated ? 2 : 1)
            .Select(i => Plan.Add($"input[{i}]", TensorRole.NeuronState, ArenaElement.Int16, ActFrac, spec.Inputs)).ToArray();
        _encoder = spec.Encoder is null ? null : new QDense(Plan, "encoder", h, spec.Inputs, ParameterFormats.Default, momentum);
        _encoded = Plan.Add("encoder.out", TensorRole.Scratch, ArenaElement.Int32, ActFrac, h);
        _layers = spec.Layers.Select((l, i) => new QLruLayer(Plan, $"layers[{i}]", l, options.Rule, _k, momentum)).ToArray();
        _decoder = spec.Decoder is null ? null : new QDense(Plan, "decoder", spec.Outputs, h, ParameterFormats.Default, momentum);
        _act = Enumerable.Range(0, _layers.Length + 1).Select(l => Plan.Add($"act[{l}]", TensorRole.Scratch, ArenaElement.Int16, ActFrac, h)).ToArray();
        _err = Enumerable.Range(0, _layers.Length + 1).Select(l => Plan.Add($"err[{l}]", TensorRole.Scratch, ArenaElement.Int32, ErrorFrac, h)).ToArray();
        _output = Plan.Add("output", TensorRole.NeuronState, ArenaElement.Int32, ErrorFrac, spec.Outputs);
        _dOut = Plan.Add("output.error", TensorRole.Scratch, ArenaElement.Int32, ErrorFrac, spec.Outputs);
        _target = Plan.Add("target", TensorRole.Scratch, ArenaElement.Int32, ErrorFrac, spec.Outputs);
        _expScratch = Plan.Add("loss.exp", TensorRole.Scratch, ArenaElement.Int32, 30, spec.Outputs);
        _outputSum = Plan.Add("output.sum", TensorRole.NeuronState, ArenaElement.Int64, ErrorFrac, spec.Outputs);
        _control = Plan.Add("control.lru", TensorRole.Control, ArenaElement.Int32, ArenaTensor.NotFixedPoint, 3);
        _errorSlot = Plan.TrackSaturation(_dOut);
        _parameterList = NamedParameters.Select(p => p.Parameter).ToArray();
        _optimizer = Optimizers.Create(Plan, _parameterList, options.Sgd, null, _k);
        AllocateArena();
        _encoder?.Weights.Load(Arena, spec.Encoder!.W);
        _decoder?.Weights.Load(Arena, spec.Decoder!.W);
        foreach (QLruLayer layer in _layers)
        {
            layer.Bind(Arena);
        }
    }

    public LruSpec Spec { get; }

    public QLruOptions Options { get; }

    public override string Family => "lru";

    public override string Rule => RuleNames.Name(Options.Rule);

    public override int Inputs => Spec.Inputs;

    public override int Outputs => Spec.Outputs;

    public override QFormat InputFormat => new(QStorage.Int16, ActFrac);

    public override QFormat TargetFormat => new(QStorage.Int32, ErrorFrac);

    public override QFormat OutputFormat => new(QStorage.Int32, ErrorFrac);

    public override QFormat LossFormat => new(QStorage.Int64, LossFracBits);

    public override IReadOnlyList<QParameter> Parameters => _parameterList;

    public override IReadOnlyList<(string Key, QParameter Parameter)> ModelParameters => NamedParameters.ToArray();

    protected override IOptimizer Optimizer => _optimizer;

    /// <summary>The last step's outputs ŷ in Q24.</summary>
    public override ReadOnlySpan<int> Output => Arena.Int32(_output);

    /// <summary>Fractional bits of the loss <see cref="Step"/> returns: Q24 for MSE, Q16 for cross-entropy.</summary>
    public int LossFracBits => Spec.Loss == LossKind.Mse ? ErrorFrac : QLosses.CrossEntropyFracBits;

    /// <summary>Saturated state and trace elements, summed over layers.</summary>
    public long StateSaturations => _layers.Sum(l => Arena.Saturations[l.Tensors.StateSlot] + Arena.Saturations[l.Tensors.TraceSlot]);

    /// <summary>Saturated gradient-sum and error elements, summed over layers and the loss error.</summary>
    public long GradientSaturations => _layers.Sum(l => Arena.Saturations[l.Tensors.GradientSlot]) + Arena.Saturations[_errorSlot];

    internal IReadOnlyList<QLruLayer> Layers => _layers;

    /// <summary>Every trainable tensor with the name the float64 reference reports its gradient under.</summary>
    private IEnumerable<(string Name, QParameter Parameter)> NamedParameters
    {
        get
        {
            if (_encoder is not null)
            {
                yield return ("encoder.W", _encoder.Weights);
            }

            for (int l = 0; l < _layers.Length; l++)
            {
                IReadOnlyList<QParameter> ps = _layers[l].Parameters;
                for (int i = 0; i < ps.Count; i++)
                {
                    string name = i < 8 ? ps[i].Name : $"layers[{l}].{QLruBlock.ReportNames[i - 8]}";
                    yield return (name, ps[i]);
                }
            }

            if (_decoder is not null)
            {
                yield return ("decoder.W", _decoder.Weights);
            }
        }
    }

    public static QLruNetwork Create(LruSpec spec, QLruOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rule == LruRule.Bptt)
        {
            throw new ArgumentException("BPTT exists only as the float64 reference.", nameof(options));
        }

        if (spec.Layers.Count == 0 || spec.Layers.Any(l => l.H != spec.Width))
        {
            throw new ArgumentException("An LRU stack needs at least one layer, all of the stack's width.", nameof(spec));
        }

        return new QLruNetwork(spec, options);
    }

    /// <summary>A forward step without loss, learning or trace change (evaluation).</summary>
    public override void Infer(ReadOnlySpan<short> input)
    {
        Span<int> c = Arena.Int32(_control);
        c[0] = (c[0] + 1) % _inputs.Length;
        input.CopyTo(Arena.Int16(_inputs[c[0]]));
        Forward(learning: false);
    }

    /// <summary>For a sequence classifier, the class of the sequence so far; see <see cref="PredictSequence"/>.</summary>
    public override int Predict() => PredictSequence();

    /// <summary>
    /// One online step: input in Q11, target in Q24 (MSE) or a Q24 target row (CE), or a label. Returns the step's loss
    /// (Q<see cref="LossFracBits"/>, reporting only). Without a target the traces still advance, with a zero error.
    /// </summary>
    protected override long StepCore(ReadOnlySpan<short> input, ReadOnlySpan<int> target, int label, out bool gradientAdded)
    {
        Arena a = Arena;
        Span<int> c = a.Int32(_control);
        c[0] = (c[0] + 1) % _inputs.Length;
        input.CopyTo(a.Int16(_inputs[c[0]]));
        Span<int> t = a.Int32(_target);
        gradientAdded = label >= 0 || !target.IsEmpty;
        if (label >= 0)
        {
            t.Clear();
            t[label] = 1 << ErrorFrac;
        }
        else
        {
            target.CopyTo(t);
        }

        Forward(learning: true);
        long loss = 0;
        if (gradientAdded)
        {
            loss = LossError();
        }
        else
        {
            a.Clear(_dOut);
        }

        Backward();
        a.Int32(_control)[1] = 1;
        return loss;
    }

    /// <summary>Steps since the last <see cref="ResetState"/>: how many outputs <see cref="AverageOutput"/> averages.</summary>
    public int StepsInSequence => Arena.Int32(_control)[2];

    /// <summary>
    /// The output averaged over the steps of the current sequence (Q24, rounded to nearest, ties toward +infinity): for sequence
    /// classification the logits are averaged over time (seed 004 4.3) and the class is their arg-max.
    /// </summary>
    public void AverageOutput(Span<int> mean)
    {
        ReadOnlySpan<long> sum = Arena.Int64(_outputSum);
        int steps = Math.Max(StepsInSequence, 1);
        for (int k = 0; k < sum.Length; k++)
        {
            mean[k] = QMath.SaturateToInt32(QMath.DivideRound(sum[k], steps));
        }
    }

    /// <summary>The class of the sequence so far: the arg-max of the time-summed (equivalently averaged) output.</summary>
    public int PredictSequence() => QLosses.ArgMax<long>(Arena.Int64(_outputSum));

    /// <summary>Zeroes every state, trace and step record (a new sequence); parameters and gradient sums are kept.</summary>
    public override void ResetState()
    {
        Arena.Clear(_outputSum);
        Span<int> c = Arena.Int32(_control);
        c[1] = 0;
        c[2] = 0;
        foreach (QLruLayer layer in _layers)
        {
            layer.ResetState();
        }
    }

    /// <summary>Zeroes every gradient accumulator. Allocates nothing.</summary>
    public void ClearGradients()
    {
        _encoder?.Weights.ClearGradient(Arena);
        _decoder?.Weights.ClearGradient(Arena);
        foreach (QLruLayer layer in _layers)
        {
            layer.ClearGradients();
        }
    }

    /// <summary>The gradient sums in real units, named and shaped like the float64 reference (export only).</summary>
    public override GradientReport ExportGradients()
    {
        foreach (QLruLayer layer in _layers)
        {
            layer.FoldEigenvalueGradients();
        }

        var report = new GradientReport();
        foreach ((string name, QParameter p) in NamedParameters)
        {
            double[] flat = p.GradientToDouble(Arena);
            if (p.Rows == 1)
            {
                report.Add(name, flat);
            }
            else
            {
                report.Add(name, Enumerable.Range(0, p.Rows).Select(r => flat.AsSpan(r * p.Cols, p.Cols).ToArray()).ToArray());
            }
        }

        return report;
    }

    private void Forward(bool learning)
    {
        Arena a = Arena;
        Span<short> first = a.Int16(_act[0]);
        ReadOnlySpan<short> input = a.Int16(_inputs[a.Int32(_control)[0]]);
        if (_encoder is null)
        {
            input.CopyTo(first);
        }
        else
        {
            Span<int> encoded = a.Int32(_encoded);
            _encoder.Forward(_k, a, input, ActFrac, encoded, ActFrac);
            for (int i = 0; i < first.Length; i++)
            {
                first[i] = QMath.SaturateToInt16(encoded[i]);
            }
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].Forward(a.Int16(_act[l]), a.Int16(_act[l + 1]), learning);
        }

        ReadOnlySpan<short> last = a.Int16(_act[^1]);
        Span<int> output = a.Int32(_output);
        if (_decoder is null)
        {
            for (int k = 0; k < output.Length; k++)
            {
                output[k] = last[k] << (ErrorFrac - ActFrac);
            }
        }
        else
        {
            // Q12·Q11 is exactly Q23; one more bit makes the Q24 output.
            _decoder.Forward(_k, a, last, ActFrac, output, ErrorFrac - 1);
            for (int k = 0; k < output.Length; k++)
            {
                output[k] = QMath.ShiftLeftSat(output[k], 1);
            }
        }

        Span<long> sum = a.Int64(_outputSum);
        for (int k = 0; k < output.Length; k++)
        {
            sum[k] += output[k];
        }

        a.Int32(_control)[2]++;
    }

    private long LossError()
    {
        Arena a = Arena;
        ReadOnlySpan<int> output = a.Int32(_output), target = a.Int32(_target);
        Span<int> error = a.Int32(_dOut);
        if (Spec.Loss == LossKind.CrossEntropy)
        {
            return QLosses.SoftmaxCrossEntropy(output, ErrorFrac, target, ErrorFrac, error, ErrorFrac, a.Int32(_expScratch));
        }

        long loss = QLosses.MeanSquaredError(output, target, ErrorFrac, error, ErrorFrac, out int saturations);
        a.CountSaturations(_errorSlot, saturations);
        return loss;
    }

    private void Backward()
    {
        Arena a = Arena;
        Span<int> top = a.Int32(_err[^1]);
        ReadOnlySpan<int> dOut = a.Int32(_dOut);
        if (_decoder is null)
        {
            dOut.CopyTo(top);
        }
        else
        {
            _decoder.AccumulateGradient(_k, a, dOut, ErrorFrac, a.Int16(_act[^1]), ActFrac);
            top.Clear();
            _decoder.BackwardAccumulate(_k, a, dOut, ErrorFrac, top, ErrorFrac);
        }

        bool second = _truncated && a.Int32(_control)[1] != 0;
        BackwardStack(previous: false, writeCarry: second);
        if (second)
        {
            // Truncated: E_t flows once more through step t−1 of the whole stack, starting from the carried
            // adjoints (the decoder has no loss there).
            a.Int32(_err[^1]).Clear();
            BackwardStack(previous: true, writeCarry: false);
        }
    }

    private void BackwardStack(bool previous, bool writeCarry)
    {
        Arena a = Arena;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            bool needInput = l > 0 || _encoder is not null;
            _layers[l].Backward(a.Int32(_err[l + 1]), previous, writeCarry, needInput ? a.Int32(_err[l]) : Span<int>.Empty);
        }

        if (_encoder is not null)
        {
            int current = a.Int32(_control)[0];
            int slot = previous ? (current + _inputs.Length - 1) % _inputs.Length : current;
            _encoder.AccumulateGradient(_k, a, a.Int32(_err[0]), ErrorFrac, a.Int16(_inputs[slot]), ActFrac);
        }
    }

    protected override void BeforeUpdate()
    {
        foreach (QLruLayer layer in _layers)
        {
            layer.FoldEigenvalueGradients();
        }
    }

    protected override void AfterUpdate()
    {
        foreach (QLruLayer layer in _layers)
        {
            layer.Refresh();
        }
    }
}
