using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// Per-layer cosine similarity of an online rule's gradient to the float64 BPTT gradient on the same weights, the
/// mean over a fixed set of probe sequences (seed 002 Figs. 3 and 4 track it over training). Host side, float64,
/// off the step path: olrt train --cosine-every calls it between training sequences. With
/// <see cref="Precision"/> "q" the rule's gradient is the fixed-point runtime's (a fresh network built from the
/// weights, updates deferred, as olrt grads --precision q); with "f64" it is the rule's float64 reference.
/// </summary>
public sealed class SnnAlignment
{
    private readonly (double[][] Input, double[][] Target)[] _probes;

    /// <param name="probes">The probe sequences: input rows and the label (a one-hot target at every step).</param>
    /// <param name="outputs">Output units of the model.</param>
    /// <param name="rule">The online rule (not bptt).</param>
    /// <param name="precision">"q" or "f64".</param>
    public SnnAlignment(IReadOnlyList<(double[][] Input, int Label)> probes, int outputs, string rule, string precision)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(rule);
        if (probes.Count == 0)
        {
            throw new ArgumentException("at least one probe sequence", nameof(probes));
        }

        if (RuleNames.ParseSnn(rule) == SnnRule.Bptt)
        {
            throw new ArgumentException("the alignment compares an online rule with BPTT, not BPTT with itself", nameof(rule));
        }

        if (precision is not ("q" or "f64"))
        {
            throw new ArgumentException($"precision is q or f64, not {precision}", nameof(precision));
        }

        Rule = rule;
        Precision = precision;
        _probes = [.. probes.Select(p => (p.Input, p.Input.Select(_ => Enumerable.Range(0, outputs).Select(k => k == p.Label ? 1.0 : 0.0).ToArray()).ToArray()))];
    }

    public string Rule { get; }

    public string Precision { get; }

    public int Probes => _probes.Length;

    /// <summary>
    /// What a measurement reports, in order: the layer groups "layers[0]", ..., "readout" when the spec has one, then
    /// "model", every parameter concatenated (seed 002 Fig. 4's model-wide cosine).
    /// </summary>
    public static IReadOnlyList<string> Layers(SnnSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var names = Enumerable.Range(0, spec.Layers.Count).Select(l => $"layers[{l}]").ToList();
        if (spec.Readout is not null)
        {
            names.Add("readout");
        }

        names.Add(Model);
        return names;
    }

    /// <summary>The model-wide entry of <see cref="Layers"/>.</summary>
    public const string Model = "model";

    /// <summary>
    /// The spec with the fixed-point network's current master weights in real units (host side). Not through the
    /// model-file parser: training may move a value outside the range a model file allows (a threshold below 0).
    /// </summary>
    public static SnnSpec WithWeights(SnnSpec template, IOnlineNetwork network)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(network);
        var values = network.ModelParameters.ToDictionary(p => p.Key, p => (p.Parameter.MastersToDouble(network.Arena), p.Parameter.Cols));
        double[] Vector(string key) => values.TryGetValue(key, out var v) ? v.Item1 : throw new ArgumentException($"the network has no parameter {key}", nameof(network));
        double[][] Matrix(string key, int rows)
        {
            var flat = Vector(key);
            int cols = flat.Length / rows;
            return [.. Enumerable.Range(0, rows).Select(r => flat[(r * cols)..((r + 1) * cols)])];
        }

        var layers = template.Layers.Select((layer, l) => new SnnLayerSpec(layer.Size, Matrix($"layers[{l}].W", layer.Size),
            values.ContainsKey($"layers[{l}].threshold") ? Vector($"layers[{l}].threshold") : (double[])layer.Threshold.Clone())).ToArray();
        var readout = template.Readout is { } r ? new DenseSpec(r.Size, Matrix("readout.W", r.Size)) : null;
        return template with { Layers = layers, Readout = readout };
    }

    /// <summary>Mean cosine per entry of <see cref="Layers"/> over the probes, on the spec's current weights.</summary>
    public double[] Measure(SnnSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layers = Layers(spec);
        var sum = new double[layers.Count];
        foreach (var (input, target) in _probes)
        {
            var bptt = SnnReference.Gradients(spec, input, target, SnnRule.Bptt);
            var estimate = Precision == "q"
                ? NetworkGradients.Compute(spec, input, target, Rule)
                : SnnReference.Gradients(spec, input, target, RuleNames.ParseSnn(Rule));
            for (int g = 0; g < layers.Count; g++)
            {
                sum[g] += Cosine(estimate, bptt, layers[g] == Model ? string.Empty : layers[g] + ".");
            }
        }

        return [.. sum.Select(s => s / _probes.Length)];
    }

    /// <summary>Cosine of the concatenated gradients whose names start with the prefix and that both reports carry.</summary>
    private static double Cosine(GradientReport a, GradientReport b, string prefix)
    {
        var names = b.Gradients.Select(g => g.Name)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && a.Gradients.Any(x => x.Name == n))
            .ToArray();
        if (names.Length == 0)
        {
            throw new ArgumentException($"no gradient of {prefix} in both reports", nameof(prefix));
        }

        return GradientComparison.Cosine(a, b, names);
    }
}
