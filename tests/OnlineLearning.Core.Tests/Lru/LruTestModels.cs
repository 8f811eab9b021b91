using System.Globalization;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>LRU stacks and sequences for the fixed-point tests, built through the model-file parser.</summary>
internal static class LruTestModels
{
    public static LruSpec Stack(int inputs, int width, int outputs, int layers, int n, int seed, double rMin, double rMax, string block = "lru-only", string loss = "mse")
    {
        string layerText = string.Join(", ", Enumerable.Repeat($"{{ \"N\": {n}, \"block\": \"{block}\" }}", layers));
        string encoder = width > 0 ? $"\"encoder\": {{ \"size\": {width} }}," : string.Empty;
        string decoder = outputs > 0 ? $"\"decoder\": {{ \"size\": {outputs} }}," : string.Empty;
        string json = string.Create(CultureInfo.InvariantCulture,
            $"{{ \"type\": \"lru\", \"inputs\": {inputs}, \"seed\": {seed}, \"r_min\": {rMin}, \"r_max\": {rMax}, \"loss\": \"{loss}\", {encoder} {decoder} \"layers\": [{layerText}] }}");
        return LruSpec.FromJson(JsonTree.ParseText("test.json", json));
    }

    public static double[][] Noise(int steps, int width, long seed, double std = 1.0) => new SpecRandom(seed).Normal(steps, width, std);
}
