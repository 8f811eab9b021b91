using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tasks;

/// <summary>Settings of a generated Randman task; the defaults are seed 002 A.1's.</summary>
public sealed record RandmanOptions
{
    public int Classes { get; init; } = 10;

    /// <summary>Input neurons (the embedding dimension).</summary>
    public int Units { get; init; } = 50;

    public int Steps { get; init; } = 50;

    /// <summary>Intrinsic dimension of each class's manifold.</summary>
    public int ManifoldDim { get; init; } = 3;

    /// <summary>Smoothness: the k-th Fourier component is damped by 1/k^alpha.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Fourier components per function.</summary>
    public int Components { get; init; } = 4;

    public long Seed { get; init; } = 1;
}

/// <summary>One sequence of a generated task: input rows [step][unit] of 0/1 spikes and its class.</summary>
public sealed record LabelledSequence(double[][] Input, int Label);

/// <summary>
/// T-Randman (seed 002 A.1, after Zenke and Vogels 2021): each class is a random smooth manifold of low
/// intrinsic dimension embedded in the unit hypercube of the input neurons. A sample draws a point on its
/// class's manifold; every input neuron fires exactly once, at the time given by its coordinate, so the
/// class lives only in spike timing.
/// </summary>
public sealed class RandmanTask
{
    private readonly RandmanOptions _options;

    // [class][unit][dim][component] amplitude, frequency and phase of the smooth random functions.
    private readonly double[][][][] _amplitude;
    private readonly double[][][][] _frequency;
    private readonly double[][][][] _phase;
    private readonly double[][] _min;
    private readonly double[][] _max;

    public RandmanTask(RandmanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var random = new SpecRandom(options.Seed);
        _amplitude = Table(options, random, static r => r.NextDouble());
        _frequency = Table(options, random, static r => r.NextDouble());
        _phase = Table(options, random, static r => r.NextDouble());
        (_min, _max) = Ranges(random);
    }

    public RandmanOptions Options => _options;

    /// <summary>Draws <paramref name="count"/> labelled sequences, classes in turn, from the sample seed.</summary>
    public IReadOnlyList<LabelledSequence> Sample(int count, long sampleSeed)
    {
        var random = new SpecRandom(sampleSeed);
        var samples = new List<LabelledSequence>(count);
        for (int i = 0; i < count; i++)
        {
            int label = i % _options.Classes;
            samples.Add(new LabelledSequence(Spikes(label, Point(random)), label));
        }

        return samples;
    }

    /// <summary>One-hot target rows [step][class] for a label, for losses that want a target per step.</summary>
    public double[][] Target(int label)
    {
        var rows = new double[_options.Steps][];
        for (int t = 0; t < rows.Length; t++)
        {
            rows[t] = new double[_options.Classes];
            rows[t][label] = 1;
        }

        return rows;
    }

    private double[] Point(SpecRandom random)
    {
        var x = new double[_options.ManifoldDim];
        for (int d = 0; d < x.Length; d++)
        {
            x[d] = random.NextDouble();
        }

        return x;
    }

    /// <summary>
    /// The step at which each input neuron fires for a point on a class's manifold (one entry per unit). Allocates
    /// nothing, so endless generated streams can call it per sample.
    /// </summary>
    public void SpikeSteps(int label, ReadOnlySpan<double> point, Span<int> steps)
    {
        if ((uint)label >= (uint)_options.Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Classes run from 0 to {_options.Classes - 1}.");
        }

        if (point.Length != _options.ManifoldDim || steps.Length != _options.Units)
        {
            throw new ArgumentException($"need a point of {_options.ManifoldDim} coordinates and room for {_options.Units} steps", nameof(point));
        }

        for (int u = 0; u < _options.Units; u++)
        {
            double raw = Embed(label, u, point);
            double unit = (raw - _min[label][u]) / Math.Max(_max[label][u] - _min[label][u], 1e-12);
            steps[u] = Math.Clamp((int)(unit * _options.Steps), 0, _options.Steps - 1);
        }
    }

    private double[][] Spikes(int label, double[] point)
    {
        var input = new double[_options.Steps][];
        for (int t = 0; t < input.Length; t++)
        {
            input[t] = new double[_options.Units];
        }

        var steps = new int[_options.Units];
        SpikeSteps(label, point, steps);
        for (int u = 0; u < _options.Units; u++)
        {
            input[steps[u]][u] = 1;
        }

        return input;
    }

    // Sum over intrinsic dimensions of smooth random functions: Σ_k a_k sin(2π(k b_k x + c_k)) / k^alpha.
    private double Embed(int label, int unit, ReadOnlySpan<double> point)
    {
        double sum = 0;
        for (int d = 0; d < point.Length; d++)
        {
            for (int k = 0; k < _options.Components; k++)
            {
                double order = k + 1;
                sum += _amplitude[label][unit][d][k] *
                       Math.Sin(2 * Math.PI * ((order * _frequency[label][unit][d][k] * point[d]) + _phase[label][unit][d][k])) /
                       Math.Pow(order, _options.Alpha);
            }
        }

        return sum;
    }

    // The functions' ranges over the manifold, estimated on a fixed probe set, map coordinates onto [0, 1].
    private (double[][] Min, double[][] Max) Ranges(SpecRandom random)
    {
        var min = new double[_options.Classes][];
        var max = new double[_options.Classes][];
        var probes = Enumerable.Range(0, 256).Select(_ => Point(random)).ToArray();
        for (int c = 0; c < _options.Classes; c++)
        {
            min[c] = Enumerable.Repeat(double.MaxValue, _options.Units).ToArray();
            max[c] = Enumerable.Repeat(double.MinValue, _options.Units).ToArray();
            foreach (var p in probes)
            {
                for (int u = 0; u < _options.Units; u++)
                {
                    double v = Embed(c, u, p);
                    min[c][u] = Math.Min(min[c][u], v);
                    max[c][u] = Math.Max(max[c][u], v);
                }
            }
        }

        return (min, max);
    }

    private static double[][][][] Table(RandmanOptions o, SpecRandom random, Func<SpecRandom, double> draw) =>
        Enumerable.Range(0, o.Classes).Select(_ =>
            Enumerable.Range(0, o.Units).Select(_ =>
                Enumerable.Range(0, o.ManifoldDim).Select(_ =>
                    Enumerable.Range(0, o.Components).Select(_ => draw(random)).ToArray()).ToArray()).ToArray()).ToArray();
}
