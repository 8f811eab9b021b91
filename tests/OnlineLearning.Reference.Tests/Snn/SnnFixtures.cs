using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>Random spiking models and inputs for the reference tests, all from seeded SpecRandom streams.</summary>
internal static class SnnFixtures
{
    /// <summary>
    /// Layers of the given sizes with W ~ N(bias, gain²/fan-in) and thresholds uniform in [0.3, 0.9]; the positive
    /// mean lets dense random inputs drive the neurons over threshold.
    /// </summary>
    public static SnnSpec Model(
        NeuronKind neuron,
        int inputs,
        int[] sizes,
        int? readout,
        LossKind loss,
        long seed,
        double gain = 1.5,
        double bias = 0.1,
        double decay = 0.8,
        double readoutLeak = 0.9,
        int warmup = 0,
        double slope = 25)
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
            Decay = decay,
            SurrogateSlope = slope,
            Loss = loss,
            Inputs = inputs,
            Seed = (int)seed,
            Layers = layers,
            Readout = readout is int r ? new DenseSpec(r, random.Normal(r, fanIn, 1.0 / Math.Sqrt(fanIn))) : null,
            ReadoutLeak = readoutLeak,
            Warmup = warmup,
        };
    }

    /// <summary>Analog inputs uniform in [0, 1), or 0/1 spikes with probability 0.3.</summary>
    public static double[][] Input(int steps, int width, bool spikes, long seed)
    {
        var random = new SpecRandom(seed);
        return Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, width)
            .Select(_ => spikes ? (random.NextDouble() < 0.3 ? 1.0 : 0.0) : random.NextDouble()).ToArray()).ToArray();
    }

    /// <summary>MSE targets uniform in [0, 1), or one-hot rows of one random class for cross-entropy.</summary>
    public static double[][] Target(int steps, int width, LossKind loss, long seed)
    {
        var random = new SpecRandom(seed);
        int label = (int)(random.NextDouble() * width);
        return Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, width)
            .Select(c => loss == LossKind.Mse ? random.NextDouble() : (c == label ? 1.0 : 0.0)).ToArray()).ToArray();
    }

    public static double MaxAbs(OnlineLearning.Core.Gradients.GradientReport report, params string[] names) =>
        report.Gradients.Where(g => names.Length == 0 || names.Contains(g.Name)).SelectMany(g => g.Values).Max(Math.Abs);
}
