using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Tests.Checkpoints;

/// <summary>Small models of both families, a seeded stream to drive them, and arena comparisons.</summary>
internal static class CheckpointFixtures
{
    public const string SnnModel = """
        {"type":"snn","neuron":"lif","inputs":7,"seed":3,"loss":"ce","warmup":2,
         "layers":[{"size":9},{"size":6}],"readout":{"size":3}}
        """;

    public const string LruModel = """
        {"type":"lru","inputs":3,"seed":4,"loss":"mse","encoder":{"size":6},
         "layers":[{"N":5,"block":"glu"},{"N":5,"block":"lru-only"}],"decoder":{"size":2}}
        """;

    public static IEnumerable<(string Model, string Rule)> EveryRule()
    {
        foreach (string rule in new[] { "ostl", "ottt", "otpe", "approx-otpe", "f-otpe" })
        {
            yield return (SnnModel, rule);
        }

        foreach (string rule in new[] { "online", "spatial", "truncated" })
        {
            yield return (LruModel, rule);
        }
    }

    /// <summary>Passed as the momentum of <see cref="Build"/>: AdamW (β 0.9/0.999, weight decay 0.01) instead of SGD.</summary>
    public const double AdamW = -1;

    public static OnlineNetwork Build(string model, string rule, UpdateSchedule schedule, double momentum, QKernels? kernels = null) =>
        NetworkFactory.Create(ModelDocument.Parse("test.json", model).Spec, new NetworkOptions
        {
            Rule = rule,
            Schedule = schedule,
            Sgd = momentum == AdamW
                ? new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = 0.002, WeightDecay = 0.01, Seed = 11 }
                : new SgdOptions { LearningRate = 0.02, Momentum = momentum, Seed = 11 },
            Kernels = kernels,
        });

    /// <summary>
    /// Step <paramref name="index"/> of a stream fixed by the index alone: labelled, target and target-free steps,
    /// inference, and a sequence end every 13 steps, so that a run resumed at any step sees what an uninterrupted one does.
    /// </summary>
    public static void Drive(IOnlineNetwork network, long from, long to)
    {
        var input = new short[network.Inputs];
        var target = new int[network.Outputs];
        int one = 1 << network.InputFormat.FracBits;
        for (long t = from; t < to; t++)
        {
            var random = new Random((int)(t * 7919 % int.MaxValue));
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (short)(random.Next(3) == 0 ? one : random.Next(-one, one) / 4);
            }

            for (int k = 0; k < target.Length; k++)
            {
                target[k] = random.Next(-1 << network.TargetFormat.FracBits, 1 << network.TargetFormat.FracBits);
            }

            switch (t % 7)
            {
                case 5:
                    network.Step(input, default);
                    break;
                case 6:
                    network.Infer(input);
                    break;
                case 2 or 4:
                    network.Step(input, target);
                    break;
                default:
                    network.StepLabel(input, (int)(t % network.Outputs));
                    break;
            }

            if (t % 13 == 12)
            {
                network.EndSequence();
            }
        }
    }

    /// <summary>The arena bytes of every saved (non-scratch) tensor, by name.</summary>
    public static Dictionary<string, byte[]> SavedState(IOnlineNetwork network) =>
        network.Plan.Tensors.Where(t => TensorRoles.IsSaved(t.Role)).ToDictionary(t => t.Name, t => network.Arena.Bytes(t).ToArray());

    /// <summary>Fills every scratch tensor with noise: a restored network must not depend on it.</summary>
    public static void ScribbleScratch(IOnlineNetwork network, int seed)
    {
        var random = new Random(seed);
        foreach (var t in network.Plan.Tensors.Where(t => t.Role == TensorRole.Scratch))
        {
            random.NextBytes(network.Arena.Bytes(t));
        }
    }
}
