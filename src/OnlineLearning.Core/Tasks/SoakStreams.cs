using System.Globalization;
using OnlineLearning.Core.Networks;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Tasks;

/// <summary>
/// An endless generated stream for long online runs (<c>olrt soak</c>). Every step is a pure function of the
/// stream's seed and the step's index, so a run resumed from a checkpoint at step S sees exactly the inputs an
/// uninterrupted run sees from step S on. <see cref="Fill"/> allocates nothing.
/// </summary>
public interface ISoakSource
{
    int Inputs { get; }

    int Outputs { get; }

    /// <summary>Steps per sequence: the caller ends a sequence after every step whose index + 1 is a multiple of it.</summary>
    int SequenceLength { get; }

    /// <summary>One line saying what the stream is, for logs.</summary>
    string Description { get; }

    /// <summary>
    /// Writes step <paramref name="step"/>'s input (in the network's input format) and returns its class label, or
    /// writes its target (in the network's target format) and returns -1 for streams without labels.
    /// </summary>
    int Fill(long step, Span<short> input, Span<int> target);
}

/// <summary>The soak streams, chosen by the network family; nothing else about the network is looked at.</summary>
public static class SoakStreams
{
    /// <summary>T-Randman spike trains with labels for spiking nets; a sum-of-sines next-sample prediction for LRUs.</summary>
    public static ISoakSource For(IOnlineNetwork network, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Family switch
        {
            "snn" => new RandmanSource(network.Inputs, network.Outputs, network.InputFormat, seed),
            "lru" => new SineSource(network.Inputs, network.Outputs, network.InputFormat, network.TargetFormat, seed),
            _ => throw new ArgumentException($"no soak stream for the model family '{network.Family}'", nameof(network)),
        };
    }

    /// <summary>SplitMix64 finaliser: a well-mixed 64-bit hash of the seed and an index.</summary>
    internal static ulong Mix(long seed, long index, ulong salt)
    {
        ulong z = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)index * 0xD1B54A32D192ED03UL) ^ salt);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    internal static double Unit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));
}

/// <summary>
/// T-Randman (<see cref="RandmanTask"/>) as an endless stream: sample i occupies steps [iT, (i+1)T); its class and its
/// point on the class manifold come from a hash of (seed, i). Each input neuron spikes once per sample; the label
/// is given at every step.
/// </summary>
public sealed class RandmanSource : ISoakSource
{
    /// <summary>Steps per sample.</summary>
    public const int DefaultSteps = 25;

    private const ulong LabelSalt = 0x5DEECE66DUL, PointSalt = 0xA0761D6478BD642FUL;

    private readonly RandmanTask _task;
    private readonly int[] _spikeStep;
    private readonly double[] _point;
    private readonly short _spike;
    private readonly long _seed;
    private long _sample = -1;
    private int _label;

    public RandmanSource(int inputs, int outputs, QFormat inputFormat, long seed, int steps = DefaultSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        _task = new RandmanTask(new RandmanOptions { Classes = outputs, Units = inputs, Steps = steps, Seed = seed });
        _spikeStep = new int[inputs];
        _point = new double[_task.Options.ManifoldDim];
        _spike = (short)Math.Min(1L << inputFormat.FracBits, short.MaxValue);
        _seed = seed;
        Inputs = inputs;
        Outputs = outputs;
        SequenceLength = steps;
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public int SequenceLength { get; }

    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"T-Randman spike trains: {Inputs} units, {Outputs} classes, {SequenceLength} steps per sample, seed {_seed}");

    public int Fill(long step, Span<short> input, Span<int> target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        long sample = step / SequenceLength;
        int t = (int)(step % SequenceLength);
        if (sample != _sample)
        {
            _label = (int)(SoakStreams.Mix(_seed, sample, LabelSalt) % (ulong)Outputs);
            for (int d = 0; d < _point.Length; d++)
            {
                _point[d] = SoakStreams.Unit(SoakStreams.Mix(_seed, sample, PointSalt + (ulong)d));
            }

            _task.SpikeSteps(_label, _point, _spikeStep);
            _sample = sample;
        }

        for (int u = 0; u < Inputs; u++)
        {
            input[u] = _spikeStep[u] == t ? _spike : (short)0;
        }

        return _label;
    }
}

/// <summary>
/// Next-sample prediction of a sum of sines: input channel c at step t is x_c(t) = Σ_k a_ck sin(2π (t mod P_ck) / P_ck + φ_ck)
/// with integer periods, so every value depends on t exactly; output o's target is x_(o mod Inputs)(t + 1).
/// Sequences of <see cref="DefaultSequenceLength"/> steps (the signal runs on across them).
/// </summary>
public sealed class SineSource : ISoakSource
{
    public const int DefaultSequenceLength = 128;

    private const int Harmonics = 3;
    private const ulong Salt = 0x2545F4914F6CDD1DUL;

    private readonly int[] _period;
    private readonly double[] _amplitude;
    private readonly double[] _phase;
    private readonly QFormat _inputFormat;
    private readonly QFormat _targetFormat;
    private readonly long _seed;

    public SineSource(int inputs, int outputs, QFormat inputFormat, QFormat targetFormat, long seed, int sequenceLength = DefaultSequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        Inputs = inputs;
        Outputs = outputs;
        SequenceLength = sequenceLength;
        _inputFormat = inputFormat;
        _targetFormat = targetFormat;
        _seed = seed;
        _period = new int[inputs * Harmonics];
        _amplitude = new double[inputs * Harmonics];
        _phase = new double[inputs * Harmonics];
        for (int i = 0; i < _period.Length; i++)
        {
            _period[i] = 8 + (int)(SoakStreams.Mix(seed, i, Salt) % 57);
            _amplitude[i] = 0.1 + (0.2 * SoakStreams.Unit(SoakStreams.Mix(seed, i, Salt + 1)));
            _phase[i] = 2 * Math.PI * SoakStreams.Unit(SoakStreams.Mix(seed, i, Salt + 2));
        }
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public int SequenceLength { get; }

    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"sum of {Harmonics} sines per channel, next-sample prediction: {Inputs} inputs, {Outputs} outputs, sequences of {SequenceLength} steps, seed {_seed}");

    /// <summary>Channel c of the signal at step t (real units, within ±0.9).</summary>
    public double Value(int channel, long step)
    {
        double sum = 0;
        for (int k = 0; k < Harmonics; k++)
        {
            int i = (channel * Harmonics) + k;
            sum += _amplitude[i] * Math.Sin((2 * Math.PI * (step % _period[i]) / _period[i]) + _phase[i]);
        }

        return sum;
    }

    public int Fill(long step, Span<short> input, Span<int> target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        for (int c = 0; c < Inputs; c++)
        {
            input[c] = (short)QFormat.Quantize(Value(c, step), _inputFormat.FracBits, short.MinValue, short.MaxValue);
        }

        for (int o = 0; o < Outputs; o++)
        {
            target[o] = (int)QFormat.Quantize(Value(o % Inputs, step + 1), _targetFormat.FracBits, int.MinValue, int.MaxValue);
        }

        return -1;
    }
}
