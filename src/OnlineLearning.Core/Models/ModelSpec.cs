using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Models;

/// <summary>
/// A model file (model.json), in real units. The keys named in the gradient-check interface (docs/grads.md)
/// are fixed because outside tools write them; everything a file leaves out is filled from its seed, so a
/// loaded spec is always complete.
/// </summary>
public abstract record ModelSpec
{
    /// <summary>Number of input channels per time step.</summary>
    public int Inputs { get; init; }

    /// <summary>Number of target/output channels per time step.</summary>
    public abstract int Outputs { get; }

    public int Seed { get; init; }

    public LossKind Loss { get; init; } = LossKind.Mse;

    /// <summary>Reads a model file: "type" selects the model ("snn" or "lru").</summary>
    public static ModelSpec Load(string path) => Parse(JsonTree.Load(path));

    public static ModelSpec Parse(JsonTree root)
    {
        ArgumentNullException.ThrowIfNull(root);
        string type = root["type"].AsString();
        return type switch
        {
            "snn" => SnnSpec.FromJson(root),
            "lru" => LruSpec.FromJson(root),
            _ => throw root["type"].Error($"type must be \"snn\" or \"lru\", not \"{UserText.Echo(type)}\""),
        };
    }

    internal static LossKind ParseLoss(JsonTree root)
    {
        var node = root.Find("loss");
        string loss = node?.AsString() ?? "mse";
        return loss switch
        {
            "mse" => LossKind.Mse,
            "ce" or "cross-entropy" => LossKind.CrossEntropy,
            _ => throw node!.Error($"loss must be \"mse\" or \"ce\", not \"{UserText.Echo(loss)}\""),
        };
    }

    internal static DataFileException Error(JsonTree node, string problem) => node.Error(problem);
}

/// <summary>The per-step loss.</summary>
public enum LossKind
{
    /// <summary>E_t = ½ Σ (ŷ_t − target_t)², seed 000 Eq. 17.</summary>
    Mse,

    /// <summary>Softmax cross-entropy; the target row is a one-hot (or probability) vector.</summary>
    CrossEntropy,
}

/// <summary>A dense linear map (readout, encoder, decoder): W is [Size][fan-in], no bias.</summary>
public sealed class DenseSpec
{
    public DenseSpec(int size, double[][] w)
    {
        Size = size;
        W = w;
    }

    public int Size { get; }

    public double[][] W { get; }

    public int FanIn => W.Length == 0 ? 0 : W[0].Length;

    internal static DenseSpec? Parse(JsonTree? node, int fanIn, SpecRandom random)
    {
        if (node is null)
        {
            return null;
        }

        int size = node["size"].AsInt(1, ModelLimits.MaxWidth);
        var w = node.Find("W")?.AsMatrix(size, fanIn, -ModelLimits.MaxWeight, ModelLimits.MaxWeight)
            ?? random.Normal(size, fanIn, 1.0 / Math.Sqrt(fanIn));
        return new DenseSpec(size, w);
    }
}
