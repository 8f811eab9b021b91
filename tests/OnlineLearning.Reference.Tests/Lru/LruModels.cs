using System.Globalization;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Tests.Lru;

/// <summary>Random LRU stacks and sequences for the reference tests, built through the model-file parser.</summary>
internal static class LruModels
{
    /// <summary>
    /// A stack "inputs → encoder (width) → blocks → decoder (outputs)"; each block is "kind:N", e.g. "glu:8".
    /// A zero width or outputs leaves the encoder or decoder out.
    /// </summary>
    public static LruSpec Stack(int inputs, int width, int outputs, string[] blocks, int seed, double rMin = 0.9, double rMax = 0.999, string loss = "mse")
    {
        var layers = string.Join(", ", blocks.Select(b =>
        {
            var parts = b.Split(':');
            return $"{{ \"N\": {parts[1]}, \"block\": \"{parts[0]}\" }}";
        }));
        string encoder = width > 0 ? $"\"encoder\": {{ \"size\": {width} }}," : string.Empty;
        string decoder = outputs > 0 ? $"\"decoder\": {{ \"size\": {outputs} }}," : string.Empty;
        string json = string.Create(CultureInfo.InvariantCulture,
            $"{{ \"type\": \"lru\", \"inputs\": {inputs}, \"seed\": {seed}, \"r_min\": {rMin}, \"r_max\": {rMax}, \"loss\": \"{loss}\", {encoder} {decoder} \"layers\": [{layers}] }}");
        return LruSpec.FromJson(JsonTree.ParseText("test.json", json));
    }

    /// <summary>Gaussian rows [steps][width].</summary>
    public static double[][] Noise(int steps, int width, long seed, double std = 1.0) =>
        new SpecRandom(seed).Normal(steps, width, std);

    /// <summary>One-hot rows [steps][classes], classes drawn uniformly.</summary>
    public static double[][] OneHot(int steps, int classes, long seed)
    {
        var random = new SpecRandom(seed);
        var rows = new double[steps][];
        for (int t = 0; t < steps; t++)
        {
            rows[t] = new double[classes];
            rows[t][(int)(random.NextDouble() * classes)] = 1;
        }

        return rows;
    }

    /// <summary>Every gradient name of a layer that belongs to its LRU (λ, γ, B, C, D).</summary>
    public static string[] LruNames(int layer) =>
        new[] { "nu_log", "theta_log", "gamma_log", "B_re", "B_im", "C_re", "C_im", "D" }.Select(n => $"layers[{layer}].{n}").ToArray();

    /// <summary>The parameters that act on the hidden state: the ones whose credit needs time.</summary>
    public static string[] RecurrentNames(int layer) =>
        new[] { "nu_log", "theta_log", "gamma_log", "B_re", "B_im" }.Select(n => $"layers[{layer}].{n}").ToArray();
}
