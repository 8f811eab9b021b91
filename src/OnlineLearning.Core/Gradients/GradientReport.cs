using System.Text;
using System.Text.Json;

namespace OnlineLearning.Core.Gradients;

/// <summary>One parameter's gradient, in real units, flattened row-major with its shape.</summary>
public sealed record NamedGradient(string Name, int[] Shape, double[] Values);

/// <summary>
/// The result of a gradient check: the total loss over the sequence and d(loss)/d(parameter) for every
/// trainable parameter, named as in the model file ("layers[0].W", "readout.W"). Written as
/// { "loss": number, "gradients": { name: nested arrays } }.
/// </summary>
public sealed class GradientReport
{
    private readonly List<NamedGradient> _gradients = [];

    private readonly List<(string Tensor, long Events)> _saturations = [];

    public double Loss { get; set; }

    /// <summary>
    /// Values clamped to their fixed-point range, per tensor ("input", "layers[0].W", arena tensors), for the
    /// fixed-point precision only; written as "saturations" when <see cref="ReportsSaturations"/>.
    /// </summary>
    public IReadOnlyList<(string Tensor, long Events)> Saturations => _saturations;

    /// <summary>Whether the JSON carries a "saturations" object (fixed point: always, even when it is empty).</summary>
    public bool ReportsSaturations { get; set; }

    /// <summary>Adds saturation counts; zero counts are dropped and repeated names are summed.</summary>
    public void AddSaturations(IEnumerable<(string Tensor, long Events)> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ReportsSaturations = true;
        foreach (var (tensor, events) in counts)
        {
            if (events == 0)
            {
                continue;
            }

            int i = _saturations.FindIndex(s => s.Tensor == tensor);
            if (i < 0)
            {
                _saturations.Add((tensor, events));
            }
            else
            {
                _saturations[i] = (tensor, _saturations[i].Events + events);
            }
        }
    }

    /// <summary>
    /// The first value that is not finite ("loss", "layers[0].W[2][3]"), or null: a float64 overflow that JSON
    /// cannot carry and that the caller must report instead of writing.
    /// </summary>
    public string? FirstNonFinite()
    {
        if (!double.IsFinite(Loss))
        {
            return $"loss is {Loss.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        foreach (var g in _gradients)
        {
            for (int i = 0; i < g.Values.Length; i++)
            {
                if (!double.IsFinite(g.Values[i]))
                {
                    string index = g.Shape.Length == 2 && g.Shape[1] > 0 ? $"[{i / g.Shape[1]}][{i % g.Shape[1]}]" : $"[{i}]";
                    return $"the gradient {g.Name}{index} is {g.Values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                }
            }
        }

        return null;
    }

    public IReadOnlyList<NamedGradient> Gradients => _gradients;

    public NamedGradient this[string name] =>
        _gradients.Find(g => g.Name == name) ?? throw new KeyNotFoundException($"no gradient named {name}");

    public void Add(string name, double[] vector) => _gradients.Add(new NamedGradient(name, [vector.Length], (double[])vector.Clone()));

    public void Add(string name, double[][] matrix)
    {
        int cols = matrix.Length == 0 ? 0 : matrix[0].Length;
        _gradients.Add(new NamedGradient(name, [matrix.Length, cols], matrix.SelectMany(r => r).ToArray()));
    }

    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("loss", Loss);
            writer.WriteStartObject("gradients");
            foreach (var g in _gradients)
            {
                writer.WritePropertyName(g.Name);
                int offset = 0;
                WriteNested(writer, g.Values, g.Shape, 0, ref offset);
            }

            writer.WriteEndObject();
            if (ReportsSaturations)
            {
                writer.WriteStartObject("saturations");
                foreach (var (tensor, events) in _saturations)
                {
                    writer.WriteNumber(tensor, events);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNested(Utf8JsonWriter writer, double[] values, int[] shape, int axis, ref int offset)
    {
        writer.WriteStartArray();
        for (int i = 0; i < shape[axis]; i++)
        {
            if (axis == shape.Length - 1)
            {
                writer.WriteNumberValue(values[offset++]);
            }
            else
            {
                WriteNested(writer, values, shape, axis + 1, ref offset);
            }
        }

        writer.WriteEndArray();
    }
}
