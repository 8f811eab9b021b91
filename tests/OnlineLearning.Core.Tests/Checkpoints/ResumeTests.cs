using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Tests.Checkpoints;

/// <summary>
/// Resume is exact: N steps, a checkpoint, a new network restored from it, M more steps, and every saved arena byte
/// equals that of an uninterrupted N + M run. For every rule of both families, immediate and every-K updates, with
/// and without momentum and with AdamW (momentum argument <see cref="CheckpointFixtures.AdamW"/>), with the checkpoint in the middle of a sequence and of an update period, written on the
/// scalar backend and resumed on the best one. Scratch is filled with noise before the restore.
/// </summary>
public sealed class ResumeTests
{
    private const int N = 40, M = 45;   // 40 = 3·13 + 1 (mid-sequence), and mid-period for K = 3 (40 mod 3 = 1).

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (model, rule) in CheckpointFixtures.EveryRule())
        {
            string family = model == CheckpointFixtures.SnnModel ? "snn" : "lru";
            yield return new TestCaseData(model, rule, UpdateSchedule.Immediate, 0.0).SetName($"{family} {rule} immediate");
            yield return new TestCaseData(model, rule, UpdateSchedule.Every(3), 0.9).SetName($"{family} {rule} every 3 with momentum");
            yield return new TestCaseData(model, rule, UpdateSchedule.SequenceEnd, 0.5).SetName($"{family} {rule} sequence end with momentum");
            yield return new TestCaseData(model, rule, UpdateSchedule.Every(3), CheckpointFixtures.AdamW).SetName($"{family} {rule} every 3 with adamw");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void A_restored_run_continues_bit_for_bit(string model, string rule, UpdateSchedule schedule, double momentum)
    {
        var document = ModelDocument.Parse("test.json", model);
        var uninterrupted = CheckpointFixtures.Build(model, rule, schedule, momentum, Backends.Get(Backend.Scalar));
        CheckpointFixtures.Drive(uninterrupted, 0, N + M);

        var first = CheckpointFixtures.Build(model, rule, schedule, momentum, Backends.Get(Backend.Scalar));
        CheckpointFixtures.Drive(first, 0, N);
        byte[] file = CheckpointWriter.Serialize(first, document, "scalar", DateTimeOffset.UnixEpoch);

        var resumed = CheckpointFixtures.Build(model, rule, schedule, momentum, Backends.Current);
        CheckpointFixtures.Drive(resumed, 0, 3);   // state to overwrite: the restore must replace it all
        CheckpointFixtures.ScribbleScratch(resumed, seed: 5);
        Checkpoint.Parse(file, "test.ckpt").Restore(resumed);
        Assert.That(resumed.Health().Steps, Is.EqualTo(first.Health().Steps));
        CheckpointFixtures.Drive(resumed, N, N + M);

        var expected = CheckpointFixtures.SavedState(uninterrupted);
        var actual = CheckpointFixtures.SavedState(resumed);
        var differing = expected.Keys.Where(k => !expected[k].AsSpan().SequenceEqual(actual[k])).ToArray();
        Assert.That(differing, Is.Empty, $"tensors that differ after resuming on {Backends.Name(Backends.Current.Backend)}");
        Assert.That(uninterrupted.Health().Updates, Is.GreaterThan(first.Health().Updates), "updates happened after the checkpoint");
    }

    [Test]
    public void The_learning_rate_and_clock_travel_with_the_checkpoint()
    {
        var document = ModelDocument.Parse("test.json", CheckpointFixtures.SnnModel);
        var network = CheckpointFixtures.Build(CheckpointFixtures.SnnModel, "ostl", UpdateSchedule.Every(4), 0.9);
        CheckpointFixtures.Drive(network, 0, 10);
        network.SetLearningRateFactor(0.25);
        byte[] file = CheckpointWriter.Serialize(network, document, "scalar", DateTimeOffset.UnixEpoch);
        var restored = CheckpointFixtures.Build(CheckpointFixtures.SnnModel, "ostl", UpdateSchedule.Every(4), 0.9);
        Checkpoint.Parse(file, "x").Restore(restored);
        CheckpointFixtures.Drive(network, 10, 30);
        CheckpointFixtures.Drive(restored, 10, 30);
        Assert.That(CheckpointFixtures.SavedState(restored), Is.EqualTo(CheckpointFixtures.SavedState(network)));
    }
}
