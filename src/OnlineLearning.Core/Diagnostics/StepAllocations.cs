using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Diagnostics;

/// <summary>
/// The zero-allocation promise measured where it matters: in whatever binary runs this (olrt selftest runs it
/// inside the NativeAOT executable). Builds small spiking and LRU networks for every runtime rule (and LRU block kind), takes one warm-up step,
/// then counts the bytes the current thread allocates over many steps.
/// </summary>
public static class StepAllocations
{
    /// <summary>One (network and rule, bytes allocated over <paramref name="steps"/> steps) per case.</summary>
    public static IReadOnlyList<(string Case, long Bytes)> Measure(int steps = 2_000)
    {
        var results = new List<(string, long)>();
        foreach (string neuron in new[] { "lif", "snu" })
        {
            foreach (string rule in RuleNames.Snn.Where(r => r != "bptt"))
            {
                results.Add(($"snn {neuron} {rule}", MeasureSnn(neuron, RuleNames.ParseSnn(rule), steps)));
            }
        }

        foreach (string block in new[] { "lru-only", "glu", "mlp" })
        {
            foreach (string rule in RuleNames.Lru.Where(r => r != "bptt"))
            {
                results.Add(($"lru {block} {rule}", MeasureLru(block, RuleNames.ParseLru(rule), steps)));
            }
        }

        return results;
    }

    private static long MeasureLru(string block, LruRule rule, int steps)
    {
        string json = $$$"""
            {"type":"lru","inputs":3,"seed":5,"encoder":{"size":8},
             "layers":[{"N":6,"block":"{{{block}}}"},{"N":6,"block":"{{{block}}}"}],"decoder":{"size":2}}
            """;
        var spec = (LruSpec)ModelSpec.Parse(JsonTree.ParseText("selftest.json", json));
        var network = QLruNetwork.Create(spec, new QLruOptions { Rule = rule, Schedule = UpdateSchedule.Immediate });
        var input = new short[spec.Inputs];
        var target = new int[spec.Outputs];
        network.Step(input, target);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < steps; t++)
        {
            input[t % input.Length] = (short)((t * 977) % 2048 - 1024);
            network.Step(input, target);
            if (t % 100 == 99)
            {
                network.ResetState();
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static long MeasureSnn(string neuron, SnnRule rule, int steps)
    {
        string json = $$$"""
            {"type":"snn","neuron":"{{{neuron}}}","inputs":8,"seed":5,"loss":"ce",
             "layers":[{"size":6},{"size":5}],"readout":{"size":3}}
            """;
        var spec = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("selftest.json", json));
        var network = QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = rule,
            Schedule = UpdateSchedule.Immediate,
            Sgd = new SgdOptions { LearningRate = 0.01, Momentum = 0.5 },
        });
        var input = new short[spec.Inputs];
        network.Step(input, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < steps; t++)
        {
            input[t % input.Length] = (short)(SnnFormats.Spike - input[t % input.Length]);
            network.Step(input, t % 3);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
