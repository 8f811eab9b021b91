using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;
using static OnlineLearning.Core.Snn.SnnFormats;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// A feed-forward spiking network trained online in fixed point: layers, optional dense readout, MSE or
/// leaky-readout cross-entropy, a learning rule (OSTL, OTTT, OTPE, Approx OTPE, F-OTPE) and SGD, all in one arena.
/// It honours <see cref="IOnlineNetwork"/>: Step is integer-only and allocates nothing.
/// Inputs are Q5.10 (<see cref="SnnFormats.ActivationFrac"/>), regression targets Q12 (<see cref="SnnFormats.OutputFrac"/>).
/// The hidden layers' learning signal passes through a copy of the readout taken at the sequence start
/// (<see cref="QSnnOptions.Feedback"/>), which immediate updates need; warm-up steps advance the traces without loss.
/// </summary>
public sealed class QSnnNetwork : OnlineNetwork
{
    private readonly QKernels _k;
    private readonly QSnnLayer[] _layers;
    private readonly QDense? _readout;
    private readonly IOptimizer _optimizer;
    private readonly LossKind _loss;
    private readonly short _readoutLeak;
    private readonly int _warmup;
    private readonly int _errorFrac;
    private readonly ArenaTensor _input;
    private readonly ArenaTensor _output;       // int32 Q12: ŷ_t, or the integrated readout o_t for CE
    private readonly ArenaTensor _readoutStep;  // int32 Q12: W_out y_t
    private readonly ArenaTensor _error;        // Q12 (ErrorFrac)
    private readonly ArenaTensor _target;       // Q12 (CE: one-hot in Q12)
    private readonly ArenaTensor _readoutTrace; // Q10: leaky sum of y for the CE readout gradient
    private readonly ArenaTensor _expScratch;
    private readonly ArenaTensor[] _signals;    // per layer, int32 Q24
    private readonly ArenaTensor _counters;     // int64: [0] loss (Q24 MSE / Q16 CE), [1] steps in sequence
    private readonly ArenaTensor? _feedback;        // Q12 copy of W_out for the learning signal (FeedbackReadout.SequenceStart)
    private readonly ArenaTensor? _backScratch;     // fan-in of the readout: row scratch of W_outᵀ e
    private readonly int _errorSlot;
    private readonly int[] _signalSlots;
    private readonly int _targetSlot;
    private readonly int[] _weightIndex;        // per layer, W's index among the optimiser's parameters
    private readonly int[] _thresholdIndex;     // per layer, θ's index, or -1 when thresholds are not trained
    private readonly int _readoutIndex;         // W_out's index, or -1

    private QSnnNetwork(SnnSpec spec, QSnnOptions options)
        : base(new ArenaPlan(), options.Schedule)
    {
        _k = options.Kernels ?? Backends.Current;
        Spec = spec;
        Options = options;
        _loss = spec.Loss;
        // The loss reads o_t = leak o_{t-1} + W_out y_t: leak 0 for a per-step MSE, the readout leak for CE, and
        // for F-OTPE the readout leak on either loss (seed 002 3.2), as in the float64 reference.
        double outputLeak = spec.Loss == LossKind.CrossEntropy || options.Rule == SnnRule.FOtpe ? spec.ReadoutLeak : 0;
        _readoutLeak = Q15(outputLeak);
        _errorFrac = spec.Loss == LossKind.Mse && outputLeak > 0 ? IntegratedErrorFrac : ErrorFrac;
        _warmup = spec.Loss == LossKind.CrossEntropy ? spec.Warmup : 0;
        bool momentum = Optimizers.NeedsVelocity(options.Sgd);
        _input = Plan.Add("input", TensorRole.Scratch, ArenaElement.Int16, ActivationFrac, spec.Inputs);
        _layers = new QSnnLayer[spec.Layers.Count];
        _signals = new ArenaTensor[spec.Layers.Count];
        _signalSlots = new int[spec.Layers.Count];
        int fanIn = spec.Inputs;
        for (int l = 0; l < _layers.Length; l++)
        {
            bool last = l == _layers.Length - 1;
            var shape = LayerShape.For(options.Rule, last, spec.Decay, outputLeak);
            _layers[l] = new QSnnLayer(Plan, l, spec, fanIn, spec.Layers[l].Size, shape, momentum);
            _signals[l] = Plan.Add($"layers[{l}].signal", TensorRole.Scratch, ArenaElement.Int32, SignalFrac, spec.Layers[l].Size);
            _signalSlots[l] = Plan.TrackSaturation(_signals[l]);
            fanIn = spec.Layers[l].Size;
        }

        if (spec.Readout is { } readout)
        {
            _readout = new QDense(Plan, "readout", readout.Size, fanIn, SnnFormats.Parameters, momentum);
            if (options.Feedback == FeedbackReadout.SequenceStart)
            {
                _feedback = Plan.Add("readout.feedback_W", TensorRole.RuleTrace, ArenaElement.Int16, WeightFrac, readout.Size, fanIn);
            }

            _backScratch = Plan.Add("readout.backward_scratch", TensorRole.Scratch, ArenaElement.Int16, ArenaTensor.NotFixedPoint, fanIn);
        }

        int outputs = spec.Outputs;
        _output = Plan.Add("output", TensorRole.NeuronState, ArenaElement.Int32, OutputFrac, outputs);
        _readoutStep = Plan.Add("readout.step", TensorRole.Scratch, ArenaElement.Int32, OutputFrac, outputs);
        _error = Plan.Add("error", TensorRole.Scratch, ArenaElement.Int16, _errorFrac, outputs);
        _target = Plan.Add("target", TensorRole.Scratch, ArenaElement.Int16, OutputFrac, outputs);
        _readoutTrace = Plan.Add("readout.trace", TensorRole.RuleTrace, ArenaElement.Int16, TraceFrac, fanIn);
        _expScratch = Plan.Add("loss.exp", TensorRole.Scratch, ArenaElement.Int32, 30, outputs);
        _counters = Plan.Add("counters", TensorRole.Control, ArenaElement.Int64, ArenaTensor.NotFixedPoint, 2);
        _errorSlot = Plan.TrackSaturation(_error);
        _targetSlot = Plan.TrackSaturation(_target);

        var trainable = new List<QParameter>();
        var scales = new List<double>();
        _weightIndex = new int[_layers.Length];
        _thresholdIndex = new int[_layers.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            _weightIndex[l] = trainable.Count;
            trainable.Add(_layers[l].W);
            scales.Add(1);
            _thresholdIndex[l] = options.TrainThresholds ? trainable.Count : -1;
            if (options.TrainThresholds)
            {
                trainable.Add(_layers[l].Threshold);
                scales.Add(1);
            }
        }

        _readoutIndex = _readout is not null ? trainable.Count : -1;
        if (_readout is not null)
        {
            trainable.Add(_readout.Weights);
            scales.Add(options.ReadoutLearningRateScale);
        }

        _optimizer = Optimizers.Create(Plan, trainable, options.Sgd, scales, _k);
        AllocateArena();
        Load(spec);
        RefreshFeedback();
    }

    public SnnSpec Spec { get; }

    public QSnnOptions Options { get; }

    public override string Family => "snn";

    public override string Rule => RuleNames.Name(Options.Rule);

    public override int Inputs => Spec.Inputs;

    public override int Outputs => Spec.Outputs;

    public override QFormat InputFormat => new(QStorage.Int16, ActivationFrac);

    public override QFormat TargetFormat => new(QStorage.Int32, OutputFrac);

    public override QFormat OutputFormat => new(QStorage.Int32, OutputFrac);

    public override QFormat LossFormat => new(QStorage.Int64, _loss == LossKind.Mse ? MseLossFrac : QLosses.CrossEntropyFracBits);

    protected override IOptimizer Optimizer => _optimizer;

    /// <summary>Loss accumulated since the last <see cref="ResetLoss"/>, in real units (reporting only).</summary>
    public double Loss => Arena.Int64(_counters)[0] * Math.ScaleB(1.0, -(_loss == LossKind.Mse ? MseLossFrac : QLosses.CrossEntropyFracBits));

    /// <summary>Builds a network from a spec (weights and thresholds quantised once, here).</summary>
    public static QSnnNetwork Create(SnnSpec spec, QSnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (spec.Layers.Count == 0)
        {
            throw new ArgumentException("A spiking network needs at least one layer.", nameof(spec));
        }

        _ = LayerShape.For(options.Rule, true, spec.Decay, 0);
        return new QSnnNetwork(spec, options);
    }

    /// <summary>The current output (ŷ_t, or the integrated readout o_t for CE), int32 in Q12.</summary>
    public override ReadOnlySpan<int> Output => Arena.Int32(_output);

    /// <summary>The class with the largest output.</summary>
    public override int Predict() => QLosses.ArgMax<int>(Output);

    public override IReadOnlyList<QParameter> Parameters => AllParameters();

    /// <summary>A forward step without loss, learning or trace change (evaluation).</summary>
    public override void Infer(ReadOnlySpan<short> input)
    {
        var x = Arena.Int16(_input);
        input.CopyTo(x);
        ForwardReadout(ForwardLayers(x, learning: false));
    }

    public override GradientReport ExportGradients() => QSnnGradients.Report(this);

    // The spiking layers bottom-up; returns the top layer's spikes.
    private ReadOnlySpan<short> ForwardLayers(ReadOnlySpan<short> input, bool learning)
    {
        ReadOnlySpan<short> x = input;
        foreach (var layer in _layers)
        {
            layer.Forward(_k, Arena, x, learning);
            x = layer.Spikes(Arena);
        }

        return x;
    }

    // ŷ_t = W_out y_t (seed 000 Eq. 17) into the step output, then o_t = leak o_{t-1} + ŷ_t (leak 0 for plain MSE).
    private void ForwardReadout(ReadOnlySpan<short> top)
    {
        var output = Arena.Int32(_output);
        var stepOut = Arena.Int32(_readoutStep);
        if (_readout is not null)
        {
            _readout.Forward(_k, Arena, top, ActivationFrac, stepOut, OutputFrac);
        }
        else
        {
            for (int i = 0; i < stepOut.Length; i++)
            {
                stepOut[i] = top[i] << (OutputFrac - ActivationFrac);
            }
        }

        for (int i = 0; i < output.Length; i++)
        {
            output[i] = QMath.AddSat(QMath.MulShiftRound(output[i], _readoutLeak, 15), stepOut[i]);
        }
    }

    /// <summary>Zeroes neuron states, traces and the readout integrator (weights and gradients stay).</summary>
    public override void ResetState()
    {
        foreach (var layer in _layers)
        {
            layer.ResetState(Arena);
        }

        Arena.Clear(_output);
        Arena.Clear(_readoutTrace);
        Arena.Int64(_counters)[1] = 0;
        RefreshFeedback();
    }

    public void ResetLoss() => Arena.Int64(_counters)[0] = 0;

    /// <summary>Saturation events per tracked tensor.</summary>
    public IReadOnlyList<(string Tensor, long Events)> Saturations() => Arena.SaturationReport();

    /// <summary>Every parameter with a gradient (thresholds included, trained or not), named as in the model file.</summary>
    internal IReadOnlyList<QParameter> AllParameters()
    {
        var list = new List<QParameter>();
        foreach (var layer in _layers)
        {
            list.Add(layer.W);
            list.Add(layer.Threshold);
        }

        if (_readout is not null)
        {
            list.Add(_readout.Weights);
        }

        return list;
    }

    /// <summary>Quantises a real input row to Q5.10 (host side).</summary>
    public static void QuantiseInput(ReadOnlySpan<double> x, Span<short> dst) => Quantise(x, dst, ActivationFrac);

    /// <summary>Quantises a real target row to Q12 in int32 (host side).</summary>
    public static void QuantiseTarget(ReadOnlySpan<double> x, Span<int> dst)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dst[i] = (int)QFormat.Quantize(x[i], OutputFrac, int.MinValue, int.MaxValue);
        }
    }

    private static void Quantise(ReadOnlySpan<double> x, Span<short> dst, int frac)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dst[i] = (short)QFormat.Quantize(x[i], frac, short.MinValue, short.MaxValue);
        }
    }

    private void Load(SnnSpec spec)
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].W.Load(Arena, spec.Layers[l].W);
            _layers[l].Threshold.Load(Arena, spec.Layers[l].Threshold);
        }

        if (_readout is not null)
        {
            _readout.Weights.Load(Arena, spec.Readout!.W);
        }
    }

    protected override long StepCore(ReadOnlySpan<short> input, ReadOnlySpan<int> target, int label, out bool gradientAdded)
    {
        var x = Arena.Int16(_input);
        input.CopyTo(x);
        bool hasTarget = label >= 0 || !target.IsEmpty;
        if (label >= 0)
        {
            var t = Arena.Int16(_target);
            t.Clear();
            t[label] = 1 << OutputFrac;
        }
        else if (hasTarget)
        {
            var t = Arena.Int16(_target);
            int saturations = 0;
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = QMath.SaturateToInt16(target[i]);
                saturations += t[i] != target[i] ? 1 : 0;
            }

            Arena.CountSaturations(_targetSlot, saturations);
        }

        var counters = Arena.Int64(_counters);
        long lossBefore = counters[0];
        int step = (int)++counters[1];
        if (step > 1 && Options.FeedbackRefreshSteps > 0 && (step - 1) % Options.FeedbackRefreshSteps == 0)
        {
            RefreshFeedback();
        }

        gradientAdded = ReadoutAndLoss(ForwardLayers(x, learning: true), label, hasTarget, step, counters);
        if (gradientAdded && Options.FuseImmediateUpdate && CanUpdateDuringStep)
        {
            BackwardUpdating((QSgd)_optimizer);
            MarkUpdatedDuringStep();
        }
        else if (gradientAdded)
        {
            Backward();
        }
        else
        {
            AdvanceTraces();
        }

        return counters[0] - lossBefore;
    }

    // ŷ_t = W_out y_t (seed 000 Eq. 17) or o_t = leak o_{t-1} + W_out y_t (CE); error and readout gradient.
    private bool ReadoutAndLoss(ReadOnlySpan<short> top, int label, bool hasTarget, int step, Span<long> counters)
    {
        ForwardReadout(top);
        var output = Arena.Int32(_output);
        var error = Arena.Int16(_error);
        var target = Arena.Int16(_target);

        var trace = Arena.Int16(_readoutTrace);
        ReadOnlySpan<short> leak = [_readoutLeak];
        _k.TraceUpdate(trace, 1, trace.Length, leak, top);   // ∂o_t/∂W_out = Σ leak^(t−τ) y_τ (y_t itself for leak 0)
        if (step <= _warmup || !hasTarget)
        {
            error.Clear();
            return false;
        }

        if (_loss == LossKind.Mse)
        {
            counters[0] += QLosses.MeanSquaredError(output, target, OutputFrac, error, _errorFrac, out int saturations);
            Arena.CountSaturations(_errorSlot, saturations);
        }
        else
        {
            var scratch = Arena.Int32(_expScratch);
            counters[0] += label >= 0
                ? QLosses.SoftmaxCrossEntropy(output, OutputFrac, label, error, ErrorFrac, scratch)
                : QLosses.SoftmaxCrossEntropy(output, OutputFrac, target, OutputFrac, error, ErrorFrac, scratch);
        }

        _readout?.AccumulateGradient(_k, Arena, error, _errorFrac, trace, ActivationFrac);
        return true;
    }

    // Learning signals through the current step only (seed 000 Eq. 18-19): L_k = W_outᵀ e, L_{l-1} = W_lᵀ (L_l ⊙ g_l).
    private void Backward()
    {
        TopSignal();
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            Arena.CountSaturations(_signalSlots[l], _layers[l].Learn(_k, Arena, LayerInput(l), Arena.Int32(_signals[l])));
            if (l > 0)
            {
                var below = Arena.Int32(_signals[l - 1]);
                Arena.CountSaturations(_signalSlots[l - 1], _layers[l].PropagateSignal(_k, Arena, below));
            }
        }
    }

    // Backward with the update folded in (immediate SGD): the same learning signals, all formed top-down before any
    // weight moves; then, bottom-up in the optimiser's parameter order (the order the generator lanes are drawn in),
    // each layer's trace pass applies W's gradient rows as it forms them and θ gets its own pass; the readout last.
    // Bit-identical to Backward followed by QSgd.Apply.
    private void BackwardUpdating(QSgd sgd)
    {
        TopSignal();
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            Arena.CountSaturations(_signalSlots[l], _layers[l].FormSignal(Arena, Arena.Int32(_signals[l])));
            if (l > 0)
            {
                var below = Arena.Int32(_signals[l - 1]);
                Arena.CountSaturations(_signalSlots[l - 1], _layers[l].PropagateSignal(_k, Arena, below));
            }
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            var rows = sgd.Rows(Arena, _weightIndex[l]);
            _layers[l].LearnUpdating(_k, Arena, LayerInput(l), Arena.Int32(_signals[l]), rows);
            rows.Finish();
            if (_thresholdIndex[l] >= 0)
            {
                sgd.ApplyOne(Arena, _thresholdIndex[l]);
            }
        }

        if (_readoutIndex >= 0)
        {
            sgd.ApplyOne(Arena, _readoutIndex);
        }
    }

    private ReadOnlySpan<short> LayerInput(int l) => l == 0 ? Arena.Int16(_input) : _layers[l - 1].Spikes(Arena);

    // The learning signal of the top layer: L_k = W_outᵀ e (or e itself without a readout).
    private void TopSignal()
    {
        var error = Arena.Int16(_error);
        int last = _layers.Length - 1;
        var signal = Arena.Int32(_signals[last]);
        if (_readout is not null)
        {
            // The readout copy of the sequence start (FeedbackReadout.SequenceStart) or the live readout.
            var w = Arena.Int16(_feedback ?? _readout.Weights.Value);
            // W (Q12) × e: Q24 products for Q12 errors; Q22 for Q10 errors, exact, then moved up to Q24.
            int productFrac = WeightFrac + _errorFrac;
            OuterProduct.TransposedProduct(_k, w, error, Math.Max(0, productFrac - SignalFrac), signal, Arena.Int16(_backScratch!));
            for (int i = 0; productFrac < SignalFrac && i < signal.Length; i++)
            {
                signal[i] = QMath.ShiftLeftSat(signal[i], SignalFrac - productFrac);
            }

            Arena.CountSaturations(_signalSlots[last], CountRails(signal));
        }
        else
        {
            for (int i = 0; i < signal.Length; i++)
            {
                signal[i] = error[i] << (SignalFrac - _errorFrac);
            }
        }
    }

    private static int CountRails(ReadOnlySpan<int> values)
    {
        int count = 0;
        foreach (int v in values)
        {
            count += v is int.MaxValue or int.MinValue ? 1 : 0;
        }

        return count;
    }

    // Warm-up steps carry no loss, but the eligibility traces (ε, R̂, updated in Learn) must still see them, as the
    // float64 rules do: a zero learning signal advances them and adds nothing to the gradients.
    private void AdvanceTraces()
    {
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            var signal = Arena.Int32(_signals[l]);
            signal.Clear();
            _layers[l].Learn(_k, Arena, LayerInput(l), signal);
        }
    }

    // The readout copy the learning signal uses (FeedbackReadout.SequenceStart): W_out as of the last refresh.
    private void RefreshFeedback()
    {
        if (_feedback is not null)
        {
            Arena.Int16(_readout!.Weights.Value).CopyTo(Arena.Int16(_feedback));
        }
    }
}
