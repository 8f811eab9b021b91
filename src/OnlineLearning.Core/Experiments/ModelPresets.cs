namespace OnlineLearning.Core.Experiments;

/// <summary>
/// Built-in model files, selectable by name wherever a model file is taken (<c>olrt train --model snn-digits</c>).
/// Weights are drawn from the model's seed by the model-file defaults (docs/models.md).
/// </summary>
public static class ModelPresets
{
    private static readonly Dictionary<string, (string Description, string Json)> Presets = new(StringComparer.Ordinal)
    {
        ["snn-digits"] = ("LIF 64 → 128 → CE readout 10 (sklearn digits, rate coded)",
            """{ "type": "snn", "neuron": "lif", "decay": 0.8, "loss": "ce", "inputs": 64, "seed": 1, "warmup": 4, "readout_leak": 0.9, "layers": [ { "size": 128 } ], "readout": { "size": 10 } }"""),
        ["snn-mnist"] = ("LIF 784 → 256 → 256 → CE readout 10 (seed 000 S7's MNIST setup)",
            """{ "type": "snn", "neuron": "lif", "decay": 0.8, "loss": "ce", "inputs": 784, "seed": 1, "warmup": 4, "readout_leak": 0.9, "layers": [ { "size": 256 }, { "size": 256 } ], "readout": { "size": 10 } }"""),
        ["snn-mnist-small"] = ("LIF 784 → 128 → CE readout 10 (CI size)",
            """{ "type": "snn", "neuron": "lif", "decay": 0.8, "loss": "ce", "inputs": 784, "seed": 1, "warmup": 4, "readout_leak": 0.9, "layers": [ { "size": 128 } ], "readout": { "size": 10 } }"""),
        ["snn-randman"] = ("LIF 20 → 128 → 64 → CE readout 10 (T-/R-Randman, seed 002 A.1 reduced)",
            """{ "type": "snn", "neuron": "lif", "decay": 0.8, "loss": "ce", "inputs": 20, "seed": 4, "warmup": 12, "readout_leak": 0.9, "layers": [ { "size": 128 }, { "size": 64 } ], "readout": { "size": 10 } }"""),
        ["snn-babyss"] = ("LIF 1 → 64 → CE readout 4 (BabyECG heart rate → sleep state)",
            """{ "type": "snn", "neuron": "lif", "decay": 0.8, "loss": "ce", "inputs": 1, "seed": 1, "readout_leak": 0.9, "layers": [ { "size": 64 } ], "readout": { "size": 4 } }"""),
        ["lru-digits"] = ("LRU stack: 8 inputs (a row per step) → H 32, 2 layers N 32 → decoder 10, CE",
            """{ "type": "lru", "loss": "ce", "inputs": 8, "seed": 1, "r_min": 0.5, "r_max": 0.99, "encoder": { "size": 32 }, "layers": [ { "N": 32 }, { "N": 32 } ], "decoder": { "size": 10 } }"""),
        ["lru-mnist"] = ("LRU stack: 28 inputs (a row per step) → H 64, 2 layers N 64 → decoder 10, CE",
            """{ "type": "lru", "loss": "ce", "inputs": 28, "seed": 1, "r_min": 0.5, "r_max": 0.99, "encoder": { "size": 64 }, "layers": [ { "N": 64 }, { "N": 64 } ], "decoder": { "size": 10 } }"""),
        ["lru-ecg"] = ("LRU stack: 1 input (ECG, standardised) → H 16, 1 layer N 32 → decoder 1, MSE (next-sample prediction)",
            """{ "type": "lru", "loss": "mse", "inputs": 1, "outputs": 1, "seed": 7, "r_min": 0.5, "r_max": 0.99, "encoder": { "size": 16 }, "layers": [ { "N": 32, "block": "lru-only" } ], "decoder": { "size": 1 } }"""),
        ["lru-babyss"] = ("LRU stack: 1 input → H 16, 1 layer N 16 → decoder 4, CE",
            """{ "type": "lru", "loss": "ce", "inputs": 1, "seed": 1, "encoder": { "size": 16 }, "layers": [ { "N": 16 } ], "decoder": { "size": 4 } }"""),
    };

    public static IEnumerable<string> Names => Presets.Keys.Order(StringComparer.Ordinal);

    public static bool TryGet(string name, out string json)
    {
        if (Presets.TryGetValue(name, out var preset))
        {
            json = preset.Json;
            return true;
        }

        json = string.Empty;
        return false;
    }

    public static string Describe(string name) => Presets[name].Description;
}
