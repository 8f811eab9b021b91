using System.Diagnostics;
using System.Globalization;

namespace OnlineLearning.Baselines;

/// <summary>
/// Times the float32 OSTL baseline at the olrt bench presets' sizes and prints one line per preset:
/// <c>baseline &lt;preset&gt; f32-ostl &lt;µs/step&gt; &lt;steps/s&gt; &lt;state bytes&gt;</c>. Usage: [seconds per preset] [preset...].
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, (int Inputs, int[] Hidden, int Outputs, double Rate)> Presets = new()
    {
        ["shd"] = (700, [256, 256], 20, 0.05),
        ["mnist"] = (784, [256, 256], 10, 0.10),
        ["sensor"] = (12, [64], 8, 0.2),
    };

    public static int Main(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        var names = args.Length > 1 ? args[1..] : [.. Presets.Keys];
        foreach (string name in names)
        {
            if (!Presets.TryGetValue(name, out var p))
            {
                Console.Error.WriteLine($"unknown preset {name}; known: {string.Join(", ", Presets.Keys)}");
                return 2;
            }

            var network = new Float32OstlNetwork(p.Inputs, p.Hidden, p.Outputs, seed: 1);
            var random = new Random(7);
            var inputs = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, p.Inputs).Select(_ => random.NextDouble() < p.Rate ? 1f : 0f).ToArray()).ToArray();
            var warm = Stopwatch.StartNew();
            for (int i = 0; warm.Elapsed.TotalSeconds < Math.Min(0.5, seconds / 2); i++)
            {
                network.Step(inputs[i & 63], i % p.Outputs);
            }

            long steps = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                for (int i = 0; i < 16; i++, steps++)
                {
                    network.Step(inputs[(int)(steps & 63)], (int)(steps % p.Outputs));
                }
            }

            double us = clock.Elapsed.TotalSeconds * 1e6 / steps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline {name} f32-ostl {us:F2} {1e6 / us:F0} {network.StateBytes}"));
        }

        return 0;
    }
}
