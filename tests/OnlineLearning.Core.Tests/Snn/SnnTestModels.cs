using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>Seeded spiking models and sequences for the fixed-point tests.</summary>
internal static class SnnTestModels
{
    public static readonly SnnRule[] OnlineRules = [SnnRule.Ostl, SnnRule.Ottt, SnnRule.Otpe, SnnRule.ApproxOtpe, SnnRule.FOtpe];

    /// <summary>W ~ N(0.1, 1.5²/fan-in) so random spikes drive the neurons; thresholds uniform in [0.3, 0.9].</summary>
    public static SnnSpec Model(NeuronKind neuron, int inputs, int[] sizes, int? readout, LossKind loss, long seed, double gain = 1.5, double bias = 0.1)
    {
        var random = new SpecRandom(seed);
        var layers = new List<SnnLayerSpec>();
        int fanIn = inputs;
        foreach (int size in sizes)
        {
            layers.Add(SnnLayerSpec.Random(random, size, fanIn, gain, bias));
            fanIn = size;
        }

        return new SnnSpec
        {
            Neuron = neuron,
            Loss = loss,
            Inputs = inputs,
            Seed = (int)seed,
            Layers = layers,
            Readout = readout is int r ? new DenseSpec(r, random.Normal(r, fanIn, 1.0 / Math.Sqrt(fanIn))) : null,
        };
    }

    /// <summary>0/1 spikes with probability 0.3.</summary>
    public static double[][] Spikes(int steps, int width, long seed)
    {
        var random = new SpecRandom(seed);
        return [.. Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, width).Select(_ => random.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray())];
    }

    /// <summary>MSE targets uniform in [0, 1), or one-hot rows of one class for cross-entropy.</summary>
    public static double[][] Target(int steps, int width, LossKind loss, long seed)
    {
        var random = new SpecRandom(seed);
        int label = (int)(random.NextDouble() * width);
        return [.. Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, width)
            .Select(c => loss == LossKind.Mse ? random.NextDouble() : (c == label ? 1.0 : 0.0)).ToArray())];
    }
}
