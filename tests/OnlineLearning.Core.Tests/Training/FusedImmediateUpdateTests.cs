using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Tests.Checkpoints;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Tests.Training;

/// <summary>
/// Spiking networks under immediate SGD apply each weight gradient row as the trace pass forms it, never storing the
/// full gradient. That is an optimisation, not a new rule: every saved arena byte (weights, masters, velocities,
/// traces, generator lanes, counters, health) must equal the accumulate-then-apply path's, for every rule, with and
/// without momentum and threshold training, on the scalar specification and on the best backend.
/// </summary>
public sealed class FusedImmediateUpdateTests
{
    private const int Steps = 60;

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (model, rule) in CheckpointFixtures.EveryRule().Where(r => r.Model == CheckpointFixtures.SnnModel))
        {
            foreach (double momentum in new[] { 0.0, 0.9 })
            {
                foreach (Backend backend in new[] { Backend.Scalar, Backends.Current.Backend }.Distinct())
                {
                    yield return new TestCaseData(model, rule, momentum, backend)
                        .SetName($"snn {rule} momentum {momentum} on {Backends.Name(backend)}");
                }
            }
        }

        // The small model's rows are narrower than SgdRows.MinimumFusedWidth (accumulated, applied per layer); these
        // are wide enough to fuse, and 70 columns put most rows off generator lane 0, as 700 inputs (shd) do.
        foreach (string rule in new[] { "ostl", "ottt", "otpe", "approx-otpe", "f-otpe" })
        {
            foreach (double momentum in new[] { 0.0, 0.9 })
            {
                yield return new TestCaseData(WideModel, rule, momentum, Backends.Current.Backend).SetName($"snn {rule} momentum {momentum}, 70 inputs, fused rows");
            }
        }
    }

    private const string WideModel = """
        {"type":"snn","neuron":"lif","inputs":70,"seed":5,"loss":"ce","warmup":2,
         "layers":[{"size":20},{"size":66}],"readout":{"size":4}}
        """;

    [TestCaseSource(nameof(Cases))]
    public void Fused_updates_match_accumulate_then_apply_bit_for_bit(string model, string rule, double momentum, Backend backend)
    {
        var fused = Build(model, rule, momentum, backend, fuse: true);
        var twoPass = Build(model, rule, momentum, backend, fuse: false);
        CheckpointFixtures.Drive(fused, 0, Steps);
        CheckpointFixtures.Drive(twoPass, 0, Steps);

        var expected = CheckpointFixtures.SavedState(twoPass);
        var actual = CheckpointFixtures.SavedState(fused);
        var differing = expected.Keys.Where(k => !expected[k].AsSpan().SequenceEqual(actual[k])).ToArray();
        Assert.That(differing, Is.Empty, "tensors that differ between the fused and the two-pass update");
        Assert.That(fused.Health().Updates, Is.EqualTo(twoPass.Health().Updates).And.GreaterThan(Steps / 2));
        Assert.That(fused.Health().Saturations, Is.EqualTo(twoPass.Health().Saturations));
        string weights = fused.Parameters[0].Name;
        Assert.That(actual[weights], Is.Not.EqualTo(Initial(model, rule, momentum, backend)[weights]), "the weights moved");
    }

    [Test]
    public void The_fused_path_leaves_every_gradient_accumulator_at_zero()
    {
        var network = Build(CheckpointFixtures.SnnModel, "ostl", 0.0, Backends.Current.Backend, fuse: true);
        CheckpointFixtures.Drive(network, 0, 20);
        foreach (var parameter in network.Parameters)
        {
            Assert.That(network.Arena.Int32(parameter.Gradient).ToArray(), Has.All.EqualTo(0), parameter.Name);
        }
    }

    private static Dictionary<string, byte[]> Initial(string model, string rule, double momentum, Backend backend) =>
        CheckpointFixtures.SavedState(Build(model, rule, momentum, backend, fuse: true));

    private static OnlineNetwork Build(string model, string rule, double momentum, Backend backend, bool fuse) =>
        NetworkFactory.Create(ModelDocument.Parse("test.json", model).Spec, new NetworkOptions
        {
            Rule = rule,
            Schedule = UpdateSchedule.Immediate,
            Sgd = new SgdOptions { LearningRate = 0.02, Momentum = momentum, Seed = 11 },
            Kernels = Backends.Get(backend),
            FuseImmediateUpdate = fuse,
        });
}
