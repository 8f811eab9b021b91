using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Diagnostics;

/// <summary>
/// The zero-allocation promise measured where it matters: in whatever binary runs this (olrt selftest runs it
/// inside the NativeAOT executable). Builds small spiking and LRU networks through the factory for every runtime
/// rule (and LRU block kind), takes one warm-up step, then counts the bytes the current thread allocates over many
/// contract steps: labelled and target steps, steps without target, inference and sequence ends.
/// </summary>
public static class StepAllocations
{
    /// <summary>One (network and rule, bytes allocated over <paramref name="steps"/> steps) per case.</summary>
    public static IReadOnlyList<(string Case, long Bytes)> Measure(int steps = 2_000)
    {
        var results = new List<(string, long)>();
        foreach (string neuron in new[] { "lif", "snu" })
        {
            string json = $$$"""
                {"type":"snn","neuron":"{{{neuron}}}","inputs":8,"seed":5,"loss":"ce",
                 "layers":[{"size":6},{"size":5}],"readout":{"size":3}}
                """;
            foreach (string rule in RuleNames.Snn.Where(r => r != "bptt"))
            {
                results.Add(($"snn {neuron} {rule}", Measure(json, rule, steps)));
            }
        }

        foreach (string block in new[] { "lru-only", "glu", "mlp" })
        {
            string json = $$$"""
                {"type":"lru","inputs":3,"seed":5,"encoder":{"size":8},
                 "layers":[{"N":6,"block":"{{{block}}}"},{"N":6,"block":"{{{block}}}"}],"decoder":{"size":2}}
                """;
            foreach (string rule in RuleNames.Lru.Where(r => r != "bptt"))
            {
                results.Add(($"lru {block} {rule}", Measure(json, rule, steps)));
            }
        }

        return results;
    }

    /// <summary>Bytes allocated by <paramref name="steps"/> contract steps of a network after one warm-up step.</summary>
    public static long Measure(IOnlineNetwork network, int steps)
    {
        ArgumentNullException.ThrowIfNull(network);
        var input = new short[network.Inputs];
        var target = new int[network.Outputs];
        int one = 1 << network.InputFormat.FracBits;
        network.StepLabel(input, 0);
        network.Step(input, target);
        network.Infer(input);
        network.EndSequence();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < steps; t++)
        {
            input[t % input.Length] = (short)(one - input[t % input.Length]);
            switch (t % 4)
            {
                case 0:
                    network.StepLabel(input, t % network.Outputs);
                    break;
                case 1:
                    target[t % target.Length] ^= 1 << network.TargetFormat.FracBits;
                    network.Step(input, target);
                    break;
                case 2:
                    network.Step(input, default);
                    break;
                default:
                    network.Infer(input);
                    break;
            }

            if (t % 100 == 99)
            {
                network.EndSequence();
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static long Measure(string json, string rule, int steps)
    {
        var spec = ModelSpec.Parse(JsonTree.ParseText("selftest.json", json));
        var network = NetworkFactory.Create(spec, new NetworkOptions
        {
            Rule = rule,
            Schedule = UpdateSchedule.Immediate,
            Sgd = new SgdOptions { LearningRate = 0.01, Momentum = 0.5 },
        });
        return Measure(network, steps);
    }
}
