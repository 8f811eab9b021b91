using OnlineLearning.Core.Models;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// A stack of fixed-point LRU layers between an optional linear encoder and decoder, learning online at every
/// step with a local loss (seed 004 3.2): forward through the stack, the loss error backpropagated through the
/// current step only, each layer's sensitivities combined with its error. <see cref="Step"/> is integer-only
/// and allocates nothing.
/// </summary>
public sealed class QLruNetwork
{
    private readonly QKernels _k;
    private readonly QLruLayer[] _layers;
    private readonly QLinear? _encoder;
    private readonly QLinear? _decoder;
    private readonly short[][] _act;      // _act[l]: input of layer l (Q11); _act[L]: stack output
    private readonly int[][] _err;        // _err[l]: dL/d_act[l] (Q24)
    private readonly int[] _out;          // ŷ in Q24
    private readonly int[] _dOut;
    private readonly short[] _input;
    private readonly QLruOptions _options;
    private int _sinceUpdate;

    private QLruNetwork(LruSpec spec, QLruOptions options)
    {
        if (options.Rule == LruRule.Bptt)
        {
            throw new ArgumentException("BPTT exists only as the float64 reference.", nameof(options));
        }

        Spec = spec;
        _options = options;
        _k = options.Kernels ?? Backends.Current;
        int h = spec.Width;
        _encoder = spec.Encoder is null ? null : new QLinear(spec.Encoder.W);
        _decoder = spec.Decoder is null ? null : new QLinear(spec.Decoder.W);
        _layers = spec.Layers.Select(l => new QLruLayer(l, options.Rule, _k, new LruTensors(l.N, l.H))).ToArray();
        _act = Enumerable.Range(0, _layers.Length + 1).Select(_ => new short[h]).ToArray();
        _err = Enumerable.Range(0, _layers.Length + 1).Select(_ => new int[h]).ToArray();
        _out = new int[spec.Outputs];
        _dOut = new int[spec.Outputs];
        _input = new short[spec.Inputs];
    }

    public LruSpec Spec { get; }

    /// <summary>The last step's outputs ŷ in Q24.</summary>
    public ReadOnlySpan<int> Output => _out;

    /// <summary>Saturated state and trace elements, summed over layers.</summary>
    public long StateSaturations => _layers.Sum(l => l.StateSaturations);

    /// <summary>Saturated gradient elements, summed over layers.</summary>
    public long GradientSaturations => _layers.Sum(l => l.GradientSaturations);

    internal IReadOnlyList<QLruLayer> Layers => _layers;

    public static QLruNetwork Create(LruSpec spec, QLruOptions options) => new(spec, options);

    /// <summary>The buffers of this network in bytes per tensor, one line each, and the total.</summary>
    public string Plan()
    {
        var lines = new List<string>();
        long total = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            foreach (var p in typeof(LruTensors).GetProperties())
            {
                if (p.GetValue(_layers[l].Tensors) is Array a)
                {
                    long bytes = (long)a.Length * (a is long[] ? 8 : a is short[] ? 2 : 4);
                    total += bytes;
                    lines.Add($"layers[{l}].{p.Name,-14} {bytes,10} B");
                }
            }
        }

        lines.Add($"total {total} B");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// One online step: input in Q11, target in Q24 (MSE) or a Q24 probability row (CE). Returns the step's MSE
    /// loss in Q32 (0 for CE, whose logarithm is left to export). Applies an update when the schedule says so.
    /// </summary>
    public long Step(ReadOnlySpan<short> input, ReadOnlySpan<int> target)
    {
        input.CopyTo(_input);
        Forward();
        long loss = LossError(target);
        Backward();
        if (_options.LearningRateShift > 0 && ++_sinceUpdate >= _options.UpdateEvery)
        {
            _sinceUpdate = 0;
            ApplyUpdate(_options.LearningRateShift);
        }

        return loss;
    }

    /// <summary>Zeroes every state and trace (a new sequence); parameters and gradient sums are kept.</summary>
    public void ResetState()
    {
        foreach (QLruLayer layer in _layers)
        {
            layer.ResetState();
        }
    }

    /// <summary>The gradient sums in real units, named like the float64 reference (export only).</summary>
    public Gradients.GradientReport ExportGradients()
    {
        var report = new Gradients.GradientReport();
        _encoder?.Export(report, "encoder.W");
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].Export(report, $"layers[{l}]");
        }

        _decoder?.Export(report, "decoder.W");
        return report;
    }

    private void Forward()
    {
        if (_encoder is null)
        {
            _input.CopyTo(_act[0], 0);
        }
        else
        {
            _encoder.Forward(_k, _input, _act[0]);
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].Forward(_act[l], _act[l + 1]);
        }

        short[] last = _act[^1];
        if (_decoder is null)
        {
            for (int k = 0; k < _out.Length; k++)
            {
                _out[k] = last[k] << (ErrorFrac - ActFrac);
            }
        }
        else
        {
            _decoder.ForwardWide(_k, last, _out);
        }
    }

    private long LossError(ReadOnlySpan<int> target)
    {
        if (Spec.Loss == LossKind.CrossEntropy)
        {
            QLruSoftmax.Error(_out, target, _dOut);
            return 0;
        }

        long loss = 0;
        for (int k = 0; k < _out.Length; k++)
        {
            int d = QMath.SubSat(_out[k], target[k]);
            _dOut[k] = d;
            loss += QMath.ShiftRightRound((long)d * d, 17);      // ½ d² in Q32
        }

        return loss;
    }

    private void Backward()
    {
        int[] top = _err[^1];
        if (_decoder is null)
        {
            _dOut.CopyTo(top, 0);
        }
        else
        {
            _decoder.Accumulate(_dOut, _act[^1]);
            _decoder.Backward(_dOut, top);
        }

        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            bool needInput = l > 0 || _encoder is not null;
            _layers[l].Backward(_err[l + 1], needInput ? _err[l] : Span<int>.Empty);
        }

        _encoder?.Accumulate(_err[0], _input);
    }

    private void ApplyUpdate(int shift)
    {
        _encoder?.Update(shift);
        _decoder?.Update(shift);
        foreach (QLruLayer layer in _layers)
        {
            layer.Update(shift);
        }
    }
}
