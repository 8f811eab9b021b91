using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Models;

/// <summary>What follows the LRU inside a block (seed 004 4.3).</summary>
public enum LruBlockKind
{
    /// <summary>The bare LRU: layer i+1 receives y_t of layer i.</summary>
    LruOnly,

    /// <summary>LRU, GLU, residual, layer norm.</summary>
    Glu,

    /// <summary>LRU, MLP, residual, layer norm.</summary>
    Mlp,
}

/// <summary>The learning rules for LRU stacks. BPTT exists only as the float64 reference.</summary>
public enum LruRule
{
    /// <summary>Exact sensitivities e_λ, e_γ, e_B (seed 004 A.2 Eq. 12-17), spatial error across layers.</summary>
    Online,

    /// <summary>All temporal dependencies ignored.</summary>
    Spatial,

    /// <summary>One-step truncated backprop.</summary>
    Truncated,

    Bptt,
}

/// <summary>
/// One LRU layer (seed 004 Eq. 1, A.1 Eq. 8-11): h_t = λ ⊙ h_{t-1} + γ ⊙ (B x_t), y_t = Re(C h_t) + D ⊙ x_t,
/// λ = exp(−exp(ν_log) + i exp(θ_log)), γ = exp(γ_log). B is [N][H], C is [H][N], D is [H].
/// </summary>
public sealed record LruLayerSpec
{
    public required int N { get; init; }

    public required int H { get; init; }

    public LruBlockKind Block { get; init; }

    public required double[] NuLog { get; init; }

    public required double[] ThetaLog { get; init; }

    public required double[] GammaLog { get; init; }

    public required double[][] BRe { get; init; }

    public required double[][] BIm { get; init; }

    public required double[][] CRe { get; init; }

    public required double[][] CIm { get; init; }

    public required double[] D { get; init; }

    /// <summary>
    /// Block parameters ("glu" and "mlp" only; null for "lru-only"). The block maps the LRU output y and the
    /// block input x to LayerNorm(x + z) ⊙ norm_gain + norm_bias, where for "glu"
    /// z = (W1 y + b1) ⊙ sigmoid(W2 y + b2) and for "mlp" z = W2 tanh(W1 y + b1) + b2 (seed 004 Fig. 1 and 4.3:
    /// GLU, residual, layer norm). W1 and W2 are [H][H]; b1, b2, norm_gain, norm_bias are [H]. JSON keys and
    /// gradient names are "W1", "b1", "W2", "b2", "norm_gain", "norm_bias".
    /// </summary>
    public double[][]? W1 { get; init; }

    public double[]? B1 { get; init; }

    public double[][]? W2 { get; init; }

    public double[]? B2 { get; init; }

    public double[]? NormGain { get; init; }

    public double[]? NormBias { get; init; }

    /// <summary>The ε inside the layer norm's square root.</summary>
    public const double NormEpsilon = 1e-5;

    /// <summary>|λ_n| = exp(−exp(ν_log,n)).</summary>
    public double Modulus(int n) => Math.Exp(-Math.Exp(NuLog[n]));

    internal static LruLayerSpec Parse(JsonTree node, int h, SpecRandom random, double rMin, double rMax)
    {
        int n = node["N"].AsInt(1, ModelLimits.MaxStateWidth);
        string blockName = node.Find("block")?.AsString() ?? "lru-only";
        var block = blockName switch
        {
            "lru-only" => LruBlockKind.LruOnly,
            "glu" => LruBlockKind.Glu,
            "mlp" => LruBlockKind.Mlp,
            _ => throw node["block"].Error($"block must be \"lru-only\", \"glu\" or \"mlp\", not \"{UserText.Echo(blockName)}\""),
        };
        rMin = node.Find("r_min")?.AsDouble(0, ModelLimits.MaxRing) ?? rMin;
        rMax = node.Find("r_max")?.AsDouble(0, ModelLimits.MaxRing) ?? rMax;
        CheckRing(node, rMin, rMax);

        // Seed 004 A.1 / the LRU initialisation: |λ| uniform on the ring's area, phase uniform on [0, 2π),
        // γ normalises the state so that white input keeps unit variance: γ = sqrt(1 − |λ|²).
        var nuLog = new double[n];
        var thetaLog = new double[n];
        var gammaLog = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = random.NextDouble();
            double modulus = Math.Sqrt((u * ((rMax * rMax) - (rMin * rMin))) + (rMin * rMin));
            nuLog[i] = Math.Log(-Math.Log(Math.Max(modulus, 1e-300)));
            thetaLog[i] = Math.Log(Math.Max(random.Uniform(0, 2 * Math.PI), 1e-6));
            gammaLog[i] = Math.Log(Math.Sqrt(1 - (modulus * modulus)));
        }

        var given = node.Find("nu_log")?.AsVector(n, ModelLimits.MinLog, ModelLimits.MaxLog);
        var spec = new LruLayerSpec
        {
            N = n,
            H = h,
            Block = block,
            NuLog = given ?? nuLog,
            ThetaLog = node.Find("theta_log")?.AsVector(n, ModelLimits.MinLog, ModelLimits.MaxLog) ?? thetaLog,
            GammaLog = node.Find("gamma_log")?.AsVector(n, ModelLimits.MinLog, ModelLimits.MaxLog) ?? (given is null ? gammaLog : GammaFor(given)),
            BRe = node.Find("B_re")?.AsMatrix(n, h, -W, W) ?? random.Normal(n, h, 1.0 / Math.Sqrt(2.0 * h)),
            BIm = node.Find("B_im")?.AsMatrix(n, h, -W, W) ?? random.Normal(n, h, 1.0 / Math.Sqrt(2.0 * h)),
            CRe = node.Find("C_re")?.AsMatrix(h, n, -W, W) ?? random.Normal(h, n, 1.0 / Math.Sqrt(n)),
            CIm = node.Find("C_im")?.AsMatrix(h, n, -W, W) ?? random.Normal(h, n, 1.0 / Math.Sqrt(n)),
            D = node.Find("D")?.AsVector(h, -W, W) ?? random.Normal(h, 1.0),
        };
        return block == LruBlockKind.LruOnly ? spec : WithBlock(spec, node, random);
    }

    // Block parameters are drawn after the LRU's, and only for glu/mlp blocks, so that a stack of bare LRUs
    // draws the same numbers as before these keys existed. Gain 1 and zero biases make the block start as
    // a plain normalised residual.
    private static LruLayerSpec WithBlock(LruLayerSpec spec, JsonTree node, SpecRandom random)
    {
        int h = spec.H;
        double std = 1.0 / Math.Sqrt(h);
        return spec with
        {
            W1 = node.Find("W1")?.AsMatrix(h, h, -W, W) ?? random.Normal(h, h, std),
            B1 = node.Find("b1")?.AsVector(h, -W, W) ?? new double[h],
            W2 = node.Find("W2")?.AsMatrix(h, h, -W, W) ?? random.Normal(h, h, std),
            B2 = node.Find("b2")?.AsVector(h, -W, W) ?? new double[h],
            NormGain = node.Find("norm_gain")?.AsVector(h, -W, W) ?? Enumerable.Repeat(1.0, h).ToArray(),
            NormBias = node.Find("norm_bias")?.AsVector(h, -W, W) ?? new double[h],
        };
    }

    private const double W = ModelLimits.MaxWeight;

    internal static void CheckRing(JsonTree node, double rMin, double rMax)
    {
        if (!(rMin >= 0 && rMin <= rMax && rMax <= ModelLimits.MaxRing))
        {
            throw node.Error($"the ring must satisfy 0 <= r_min <= r_max <= {UserText.Number(ModelLimits.MaxRing)}, not [{UserText.Number(rMin)}, {UserText.Number(rMax)}]");
        }
    }

    private static double[] GammaFor(double[] nuLog) =>
        nuLog.Select(v => Math.Log(Math.Sqrt(1 - Math.Exp(-2 * Math.Exp(v))))).ToArray();
}

/// <summary>
/// A stack of LRU blocks between a linear encoder and a linear decoder (model.json with "type":"lru").
/// A missing encoder or decoder is the identity. Unset parameters are drawn from "seed", with |λ| on the
/// ring ["r_min", "r_max"] (defaults 0.9 and 0.999; a layer may override them).
/// </summary>
public sealed record LruSpec : ModelSpec
{
    public DenseSpec? Encoder { get; init; }

    public IReadOnlyList<LruLayerSpec> Layers { get; init; } = [];

    public DenseSpec? Decoder { get; init; }

    /// <summary>The model width H: the encoder's size, or the input count without an encoder.</summary>
    public int Width => Encoder?.Size ?? Inputs;

    public override int Outputs => Decoder?.Size ?? Width;

    public static LruSpec FromJson(JsonTree root)
    {
        ArgumentNullException.ThrowIfNull(root);
        int inputs = root["inputs"].AsInt(1, ModelLimits.MaxWidth);
        int seed = root.Find("seed")?.AsInt() ?? 1;
        var random = new SpecRandom(seed);
        var layerNodes = root["layers"].Items;
        if (layerNodes.Count == 0)
        {
            throw root["layers"].Error("layers must hold at least one layer");
        }

        CheckBudget(root, inputs, layerNodes);
        var encoder = DenseSpec.Parse(root.Find("encoder"), inputs, random);
        int h = encoder?.Size ?? inputs;
        double rMin = root.Find("r_min")?.AsDouble(0, ModelLimits.MaxRing) ?? 0.9;
        double rMax = root.Find("r_max")?.AsDouble(0, ModelLimits.MaxRing) ?? 0.999;
        var layers = layerNodes.Select(node => LruLayerSpec.Parse(node, h, random, rMin, rMax)).ToList();
        var decoder = DenseSpec.Parse(root.Find("decoder"), h, random);
        var spec = new LruSpec
        {
            Inputs = inputs,
            Seed = seed,
            Loss = ParseLoss(root),
            Encoder = encoder,
            Layers = layers,
            Decoder = decoder,
        };
        var outputs = root.Find("outputs");
        if (outputs is not null && outputs.AsInt(1, ModelLimits.MaxWidth) != spec.Outputs)
        {
            throw outputs.Error($"outputs is {outputs.AsInt()}, but the decoder produces {spec.Outputs}");
        }

        return spec;
    }

    /// <summary>Estimates the arena from the sizes alone, before any parameter is drawn.</summary>
    private static void CheckBudget(JsonTree root, int inputs, IReadOnlyList<JsonTree> layerNodes)
    {
        var budget = new ModelLimits.Budget();
        budget.Units(inputs);
        long h = inputs;
        if (root.Find("encoder") is { } encoder)
        {
            h = encoder["size"].AsInt(1, ModelLimits.MaxWidth);
            budget.Weights(encoder, "encoder.W", h, inputs);
        }

        for (int i = 0; i < layerNodes.Count; i++)
        {
            var node = layerNodes[i];
            int n = node["N"].AsInt(1, ModelLimits.MaxStateWidth);
            budget.Weights(node, $"layers[{i}].B_re and B_im", 2L * n, h);
            budget.Weights(node, $"layers[{i}].C_re and C_im", 2L * h, n);
            if ((node.Find("block")?.AsString() ?? "lru-only") != "lru-only")
            {
                budget.Weights(node, $"layers[{i}].W1 and W2", 2L * h, h);
            }

            budget.Units(n + h);
        }

        if (root.Find("decoder") is { } decoder)
        {
            int size = decoder["size"].AsInt(1, ModelLimits.MaxWidth);
            budget.Weights(decoder, "decoder.W", size, h);
            budget.Units(size);
        }

        budget.Check(root);
    }
}
