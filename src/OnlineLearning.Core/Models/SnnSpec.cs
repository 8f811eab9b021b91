using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Models;

/// <summary>The spiking neuron variants.</summary>
public enum NeuronKind
{
    /// <summary>SNU, seed 000 Eq. 1-2 with g = identity: s_t = W x_t + d s_{t-1} (1 − y_{t-1}), y_t = H(s_t − θ).</summary>
    Snu,

    /// <summary>LIF with subtractive reset, seed 002 2.1: v_t = λ U_{t-1} + W x_t, y_t = H(v_t − θ), U_t = v_t − θ y_t.</summary>
    Lif,
}

/// <summary>The learning rules for spiking networks. BPTT exists only as the float64 reference.</summary>
public enum SnnRule
{
    Ostl,
    Ottt,
    Otpe,
    ApproxOtpe,
    FOtpe,
    Bptt,
}

/// <summary>One feed-forward spiking layer: W is [Size][fan-in], one threshold per neuron.</summary>
public sealed class SnnLayerSpec
{
    public SnnLayerSpec(int size, double[][] w, double[] threshold)
    {
        Size = size;
        W = w;
        Threshold = threshold;
    }

    public int Size { get; }

    public double[][] W { get; }

    public double[] Threshold { get; }

    public int FanIn => W.Length == 0 ? 0 : W[0].Length;

    /// <summary>
    /// A layer drawn from <paramref name="random"/>: W ~ N(bias, gain²/fan-in), so that sparse spike input still
    /// drives the neurons, and thresholds uniform in [thresholdMin, thresholdMax).
    /// </summary>
    public static SnnLayerSpec Random(
        SpecRandom random, int size, int fanIn, double gain, double bias = 0, double thresholdMin = 0.3, double thresholdMax = 0.9)
    {
        ArgumentNullException.ThrowIfNull(random);
        var w = random.Normal(size, fanIn, gain / Math.Sqrt(fanIn));
        foreach (var row in w)
        {
            for (int j = 0; j < row.Length; j++)
            {
                row[j] += bias;
            }
        }

        return new SnnLayerSpec(size, w, [.. Enumerable.Range(0, size).Select(_ => random.Uniform(thresholdMin, thresholdMax))]);
    }
}

/// <summary>
/// A feed-forward spiking network (model.json with "type":"snn"). Without a readout the last layer's spikes
/// are the output. With "loss":"ce" the readout is leaky-integrated (leak <see cref="ReadoutLeak"/>) and the
/// softmax cross-entropy applies from step <see cref="Warmup"/> on.
/// </summary>
public sealed record SnnSpec : ModelSpec
{
    public const double DefaultThreshold = 0.5;

    public NeuronKind Neuron { get; init; }

    /// <summary>d for the SNU, the leak λ for the LIF.</summary>
    public double Decay { get; init; } = 0.8;

    /// <summary>k in the surrogate derivative 1/(1 + k|u|)².</summary>
    public double SurrogateSlope { get; init; } = 25;

    public IReadOnlyList<SnnLayerSpec> Layers { get; init; } = [];

    public DenseSpec? Readout { get; init; }

    /// <summary>Leak of the integrated readout used by the cross-entropy loss (key "readout_leak").</summary>
    public double ReadoutLeak { get; init; } = 0.9;

    /// <summary>Steps before the cross-entropy loss applies (key "warmup").</summary>
    public int Warmup { get; init; }

    public override int Outputs => Readout?.Size ?? Layers[^1].Size;

    public static SnnSpec FromJson(JsonTree root)
    {
        ArgumentNullException.ThrowIfNull(root);
        string neuron = root.Find("neuron")?.AsString() ?? "lif";
        var kind = neuron switch
        {
            "snu" => NeuronKind.Snu,
            "lif" => NeuronKind.Lif,
            _ => throw root["neuron"].Error($"neuron must be \"snu\" or \"lif\", not \"{UserText.Echo(neuron)}\""),
        };
        int inputs = root["inputs"].AsInt(1, ModelLimits.MaxWidth);
        int seed = root.Find("seed")?.AsInt() ?? 1;
        var random = new SpecRandom(seed);
        var layerNodes = root["layers"].Items;
        if (layerNodes.Count == 0)
        {
            throw root["layers"].Error("layers must hold at least one layer");
        }

        CheckBudget(root, inputs, layerNodes);
        var layers = new List<SnnLayerSpec>();
        int fanIn = inputs;
        foreach (var node in layerNodes)
        {
            int size = node["size"].AsInt(1, ModelLimits.MaxWidth);
            var w = node.Find("W")?.AsMatrix(size, fanIn, -ModelLimits.MaxWeight, ModelLimits.MaxWeight)
                ?? random.Normal(size, fanIn, 1.0 / Math.Sqrt(fanIn));
            var threshold = node.Find("threshold")?.AsVector(size, 0, ModelLimits.MaxThreshold, minOpen: true)
                ?? Enumerable.Repeat(DefaultThreshold, size).ToArray();
            layers.Add(new SnnLayerSpec(size, w, threshold));
            fanIn = size;
        }

        double decay = root.Find("decay")?.AsDouble(0, 1, maxOpen: true) ?? 0.8;
        double slope = root.Find("surrogate_slope")?.AsDouble(0, ModelLimits.MaxSurrogateSlope, minOpen: true) ?? 25;
        return new SnnSpec
        {
            Neuron = kind,
            Decay = decay,
            SurrogateSlope = slope,
            Loss = ParseLoss(root),
            Inputs = inputs,
            Seed = seed,
            Layers = layers,
            Readout = DenseSpec.Parse(root.Find("readout"), fanIn, random),
            ReadoutLeak = root.Find("readout_leak")?.AsDouble(0, 1, maxOpen: true) ?? 0.9,
            Warmup = root.Find("warmup")?.AsInt(0) ?? 0,
        };
    }

    /// <summary>Estimates the arena from the sizes alone, before any weight is drawn.</summary>
    private static void CheckBudget(JsonTree root, int inputs, IReadOnlyList<JsonTree> layerNodes)
    {
        var budget = new ModelLimits.Budget();
        long fanIn = inputs;
        budget.Units(inputs);
        for (int i = 0; i < layerNodes.Count; i++)
        {
            int size = layerNodes[i]["size"].AsInt(1, ModelLimits.MaxWidth);
            budget.Weights(layerNodes[i], $"layers[{i}].W", size, fanIn);
            budget.Units(size);
            fanIn = size;
        }

        if (root.Find("readout") is { } readout)
        {
            int size = readout["size"].AsInt(1, ModelLimits.MaxWidth);
            budget.Weights(readout, "readout.W", size, fanIn);
            budget.Units(size);
        }

        budget.Check(root);
    }
}
