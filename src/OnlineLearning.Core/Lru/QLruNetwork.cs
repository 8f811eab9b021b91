using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
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
/// updates go through the shared <see cref="QSgd"/>. <see cref="Step"/> is integer-only and allocates nothing.
/// </summary>
public sealed class QLruNetwork
{
    private readonly QKernels _k;
    private readonly QLruLayer[] _layers;
    private readonly QDense? _encoder;
    private readonly QDense? _decoder;
    private readonly QSgd _optimizer;
    private readonly ArenaTensor[] _act;      // _act[l]: input of layer l (Q11); _act[L]: stack output
    private readonly ArenaTensor[] _err;      // _err[l]: dL/d_act[l] (Q24)
    private readonly ArenaTensor[] _inputs;   // the input at this step and (truncated) the one before
    private readonly ArenaTensor _encoded, _output, _dOut, _target, _expScratch, _outputSum;
    private readonly int _errorSlot;
    private readonly bool _truncated;
    private UpdateClock _clock;
    private int _inputSlot;
    private bool _hasPrevious;

    private QLruNetwork(LruSpec spec, QLruOptions options)
    {
        Spec = spec;
        Options = options;
        _k = options.Kernels ?? Backends.Current;
        _truncated = options.Rule == LruRule.Truncated;
        int h = spec.Width;
        Plan = new ArenaPlan();
        _inputs = Enumerable.Range(0, _truncated ? 2 : 1)
            .Select(i => Plan.Add($"input[{i}]", ArenaElement.Int16, ActFrac, spec.Inputs)).ToArray();
        _encoder = spec.Encoder is null ? null : new QDense(Plan, "encoder", h, spec.Inputs, ParameterFormats.Default);
        _encoded = Plan.Add("encoder.out", ArenaElement.Int32, ActFrac, h);
        _layers = spec.Layers.Select((l, i) => new QLruLayer(Plan, $"layers[{i}]", l, options.Rule, _k)).ToArray();
        _decoder = spec.Decoder is null ? null : new QDense(Plan, "decoder", spec.Outputs, h, ParameterFormats.Default);
        _act = Enumerable.Range(0, _layers.Length + 1).Select(l => Plan.Add($"act[{l}]", ArenaElement.Int16, ActFrac, h)).ToArray();
        _err = Enumerable.Range(0, _layers.Length + 1).Select(l => Plan.Add($"err[{l}]", ArenaElement.Int32, ErrorFrac, h)).ToArray();
        _output = Plan.Add("output", ArenaElement.Int32, ErrorFrac, spec.Outputs);
        _dOut = Plan.Add("output.error", ArenaElement.Int32, ErrorFrac, spec.Outputs);
        _target = Plan.Add("target", ArenaElement.Int32, ErrorFrac, spec.Outputs);
        _expScratch = Plan.Add("loss.exp", ArenaElement.Int32, 30, spec.Outputs);
        _outputSum = Plan.Add("output.sum", ArenaElement.Int64, ErrorFrac, spec.Outputs);
        _errorSlot = Plan.TrackSaturation(_dOut);
        _optimizer = new QSgd(Plan, Parameters.Select(p => p.Parameter).ToArray(), options.Sgd);
        Arena = Plan.Allocate();
        _optimizer.Initialise(Arena);
        _encoder?.Weights.Load(Arena, spec.Encoder!.W);
        _decoder?.Weights.Load(Arena, spec.Decoder!.W);
        foreach (QLruLayer layer in _layers)
        {
            layer.Bind(Arena);
        }

        _clock = new UpdateClock(options.Schedule);
    }

    public LruSpec Spec { get; }

    public QLruOptions Options { get; }

    /// <summary>The memory plan; <see cref="ArenaPlan.Describe"/> prints it.</summary>
    public ArenaPlan Plan { get; }

    /// <summary>The one block every weight, state, trace, gradient and scratch buffer lives in.</summary>
    public Arena Arena { get; }

    /// <summary>The last step's outputs ŷ in Q24.</summary>
    public ReadOnlySpan<int> Output => Arena.Int32(_output);

    /// <summary>Fractional bits of the loss <see cref="Step"/> returns: Q24 for MSE, Q16 for cross-entropy.</summary>
    public int LossFracBits => Spec.Loss == LossKind.Mse ? ErrorFrac : QLosses.CrossEntropyFracBits;

    /// <summary>Saturated state and trace elements, summed over layers.</summary>
    public long StateSaturations => _layers.Sum(l => Arena.Saturations[l.Tensors.StateSlot] + Arena.Saturations[l.Tensors.TraceSlot]);

    /// <summary>Saturated gradient-sum and error elements, summed over layers and the loss error.</summary>
    public long GradientSaturations => _layers.Sum(l => Arena.Saturations[l.Tensors.GradientSlot]) + Arena.Saturations[_errorSlot];

    internal IReadOnlyList<QLruLayer> Layers => _layers;

    /// <summary>Every trainable tensor with the name the float64 reference reports its gradient under.</summary>
    private IEnumerable<(string Name, QParameter Parameter)> Parameters
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

    /// <summary>
    /// One online step: input in Q11, target in Q24 (MSE) or a Q24 target row (CE). Returns the step's loss
    /// (Q<see cref="LossFracBits"/>, reporting only). Applies an update when the schedule says so.
    /// </summary>
    public long Step(ReadOnlySpan<short> input, ReadOnlySpan<int> target)
    {
        Arena a = Arena;
        _inputSlot = (_inputSlot + 1) % _inputs.Length;
        input.CopyTo(a.Int16(_inputs[_inputSlot]));
        target.CopyTo(a.Int32(_target));
        Forward();
        long loss = LossError();
        Backward();
        _hasPrevious = true;
        if (_clock.Step())
        {
            ApplyUpdate();
        }

        return loss;
    }

    /// <summary>Steps since the last <see cref="ResetState"/>: how many outputs <see cref="AverageOutput"/> averages.</summary>
    public int StepsInSequence { get; private set; }

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
    public void ResetState()
    {
        Arena.Clear(_outputSum);
        StepsInSequence = 0;
        foreach (QLruLayer layer in _layers)
        {
            layer.ResetState();
        }

        _hasPrevious = false;
        if (_clock.EndSequence())
        {
            ApplyUpdate();
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
    public GradientReport ExportGradients()
    {
        foreach (QLruLayer layer in _layers)
        {
            layer.FoldEigenvalueGradients();
        }

        var report = new GradientReport();
        foreach ((string name, QParameter p) in Parameters)
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

    private void Forward()
    {
        Arena a = Arena;
        Span<short> first = a.Int16(_act[0]);
        ReadOnlySpan<short> input = a.Int16(_inputs[_inputSlot]);
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
            _layers[l].Forward(a.Int16(_act[l]), a.Int16(_act[l + 1]));
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

        StepsInSequence++;
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

        bool second = _truncated && _hasPrevious;
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
            int slot = previous ? (_inputSlot + _inputs.Length - 1) % _inputs.Length : _inputSlot;
            _encoder.AccumulateGradient(_k, a, a.Int32(_err[0]), ErrorFrac, a.Int16(_inputs[slot]), ActFrac);
        }
    }

    private void ApplyUpdate()
    {
        foreach (QLruLayer layer in _layers)
        {
            layer.FoldEigenvalueGradients();
        }

        _optimizer.Apply(Arena);
        foreach (QLruLayer layer in _layers)
        {
            layer.Refresh();
        }
    }
}
