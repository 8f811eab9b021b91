using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>
/// A model file as text together with the spec parsed from it. Checkpoints embed the text, so that a checkpoint
/// alone can rebuild its network and be exported; <see cref="SpecHash"/> identifies the model without its weights.
/// </summary>
public sealed class ModelDocument
{
    /// <summary>Model-file keys that hold trained values; the spec hash leaves them out.</summary>
    private static readonly HashSet<string> ParameterKeys = new(StringComparer.Ordinal)
    {
        "W", "threshold", "nu_log", "theta_log", "gamma_log", "B_re", "B_im", "C_re", "C_im", "D", "W1", "b1", "W2", "b2", "norm_gain", "norm_bias",
    };

    private static readonly HashSet<string> VectorKeys = new(StringComparer.Ordinal)
    {
        "threshold", "nu_log", "theta_log", "gamma_log", "D", "b1", "b2", "norm_gain", "norm_bias",
    };

    private ModelDocument(string name, string text, ModelSpec spec)
    {
        Name = name;
        Text = text;
        Spec = spec;
        SpecHash = HashWithoutParameters(text);
    }

    /// <summary>Where the text came from (a path, or "checkpoint:&lt;path&gt;").</summary>
    public string Name { get; }

    public string Text { get; }

    public ModelSpec Spec { get; }

    /// <summary>XxHash64 of the model file with every trained value removed: same architecture and settings, same hash.</summary>
    public ulong SpecHash { get; }

    public string SpecHashText => SpecHash.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Reads and parses a model file (errors name the file and line).</summary>
    public static ModelDocument Load(string path)
    {
        // One read, through the size-capped reader the model parser uses; the text is kept for the checkpoint.
        byte[] bytes = DataFiles.ReadAllBytes(path, DataFiles.MaxModelBytes);
        var spec = ModelSpec.Parse(JsonTree.Parse(path, bytes));
        int bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        return new ModelDocument(path, Encoding.UTF8.GetString(bytes, bom, bytes.Length - bom), spec);
    }

    /// <summary>Parses model text held in memory; <paramref name="name"/> names it in errors.</summary>
    public static ModelDocument Parse(string name, string text) => new(name, text, ModelSpec.Parse(JsonTree.ParseText(name, text)));

    /// <summary>
    /// This model file with every trainable value replaced by the network's master weights in real units, so that
    /// <c>olrt plan</c>, <c>grads</c> and <c>import</c> accept it and rebuild the same weights.
    /// </summary>
    public string WithWeights(IOnlineNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var root = JsonNode.Parse(Text) as JsonObject ?? throw new DataFileException(Name, 1, "the model is not a JSON object");
        foreach (var (key, parameter) in network.ModelParameters)
        {
            double[] values = parameter.MastersToDouble(network.Arena);
            SetPath(root, key, ToNode(LastSegment(key), values, parameter.Rows, parameter.Cols));
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static ulong HashWithoutParameters(string text)
    {
        var root = JsonNode.Parse(text);
        Strip(root);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            if (root is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                root.WriteTo(writer);
            }
        }

        return XxHash64.HashToUInt64(stream.ToArray());
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (string key in obj.Select(p => p.Key).Where(ParameterKeys.Contains).ToArray())
                {
                    obj.Remove(key);
                }

                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Strip(child);
                }

                break;
        }
    }

    private static JsonArray ToNode(string key, double[] values, int rows, int cols)
    {
        if (VectorKeys.Contains(key))
        {
            return new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        var matrix = new JsonNode?[rows];
        for (int r = 0; r < rows; r++)
        {
            matrix[r] = new JsonArray(values.AsSpan(r * cols, cols).ToArray().Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        return new JsonArray(matrix);
    }

    private static string LastSegment(string key) => key[(key.LastIndexOf('.') + 1)..];

    // "layers[1].W" → root["layers"][1]["W"]; "readout.W" → root["readout"]["W"].
    private static void SetPath(JsonObject root, string key, JsonNode value)
    {
        string[] segments = key.Split('.');
        JsonNode node = root;
        for (int s = 0; s < segments.Length - 1; s++)
        {
            node = Child(node, segments[s], key);
        }

        if (node is not JsonObject target)
        {
            throw new InvalidOperationException($"{key}: the model file has no object to hold it");
        }

        target[segments[^1]] = value;
    }

    private static JsonNode Child(JsonNode node, string segment, string key)
    {
        int bracket = segment.IndexOf('[', StringComparison.Ordinal);
        string name = bracket < 0 ? segment : segment[..bracket];
        var obj = node as JsonObject ?? throw new InvalidOperationException($"{key}: {name} is not inside an object in the model file");
        JsonNode next = obj[name] ?? (obj[name] = new JsonObject());
        if (bracket >= 0)
        {
            int index = int.Parse(segment.AsSpan(bracket + 1, segment.Length - bracket - 2), CultureInfo.InvariantCulture);
            next = (next as JsonArray)?[index] ?? throw new InvalidOperationException($"{key}: the model file has no {name}[{index}]");
        }

        return next;
    }
}
