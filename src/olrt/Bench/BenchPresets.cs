namespace OnlineLearning.Cli.Bench;

/// <summary>A benchmark preset: a model, the rules to time on it, and the input it sees.</summary>
internal sealed record BenchPreset(string Name, string Description, string ModelJson, string[] Rules, double SpikeRate);

/// <summary>The presets of <c>olrt bench</c> (issue 11): SHD- and MNIST-size spiking nets, a full-size LRU stack, a sensor net.</summary>
internal static class BenchPresets
{
    public static IReadOnlyList<BenchPreset> All { get; } =
    [
        new("shd", "700-256-256-20 LIF, CE readout, 5 % input spikes (SHD size)",
            """{"type":"snn","neuron":"lif","inputs":700,"seed":1,"loss":"ce","layers":[{"size":256},{"size":256}],"readout":{"size":20}}""",
            ["ostl", "ottt", "otpe", "approx-otpe"], 0.05),
        new("mnist", "784-256-256-10 LIF, CE readout, 10 % input spikes (rate-coded MNIST size)",
            """{"type":"snn","neuron":"lif","inputs":784,"seed":1,"loss":"ce","layers":[{"size":256},{"size":256}],"readout":{"size":10}}""",
            ["ostl"], 0.10),
        new("lru", "4 LRU layers, N 64, H 128, online (copy-task size, seed 004 Table 1); lru-only and glu blocks",
            """{"type":"lru","inputs":10,"seed":1,"loss":"mse","encoder":{"size":128},"layers":[{"N":64,"block":"lru-only"},{"N":64,"block":"lru-only"},{"N":64,"block":"lru-only"},{"N":64,"block":"lru-only"}],"decoder":{"size":10}}""",
            ["online"], 0),
        new("lru-glu", "the lru preset with GLU blocks",
            """{"type":"lru","inputs":10,"seed":1,"loss":"mse","encoder":{"size":128},"layers":[{"N":64,"block":"glu"},{"N":64,"block":"glu"},{"N":64,"block":"glu"},{"N":64,"block":"glu"}],"decoder":{"size":10}}""",
            ["online"], 0),
        new("sensor", "12-64-8 LIF, OSTL: the size a Pi Zero 2 W should learn at 1 kHz",
            """{"type":"snn","neuron":"lif","inputs":12,"seed":1,"loss":"ce","layers":[{"size":64}],"readout":{"size":8}}""",
            ["ostl"], 0.2),
    ];

    public static BenchPreset? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
