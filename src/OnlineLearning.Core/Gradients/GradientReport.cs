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

    public double Loss { get; set; }

    /// <summary>Saturation events per tensor during the run (fixed point only; empty when nothing saturated).</summary>
    public IReadOnlyList<(string Tensor, long Events)> Saturations { get; set; } = [];

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
            if (Saturations.Count > 0)
            {
                writer.WriteStartObject("saturations");
                foreach (var (tensor, events) in Saturations)
                {
                    writer.WriteNumber(tensor, events);
                }

                writer.WriteEndObject();
            }

            writer.WriteStartObject("gradients");
            foreach (var g in _gradients)
            {
                writer.WritePropertyName(g.Name);
                int offset = 0;
                WriteNested(writer, g.Values, g.Shape, 0, ref offset);
            }

            writer.WriteEndObject();
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
