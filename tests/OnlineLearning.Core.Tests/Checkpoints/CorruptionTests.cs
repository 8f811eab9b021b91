using System.Buffers.Binary;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Checkpoints;

/// <summary>
/// Damaged checkpoints are detected and named, never loaded: truncation at every byte of the header and tensor
/// table and at random payload offsets, random bit flips, zeroed, empty, a directory, another model's file; and the
/// store falls back to <c>.prev</c> when the newest file is damaged.
/// </summary>
public sealed class CorruptionTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("olrt-ckpt-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Truncation_anywhere_is_detected_and_named()
    {
        byte[] file = Sample(out _);
        var header = Checkpoint.Parse(file, "ok");
        int headerEnd = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var random = new Random(1);
        var cuts = Enumerable.Range(0, headerEnd + 1).Concat(Enumerable.Range(0, 200).Select(_ => random.Next(headerEnd, file.Length))).Distinct();
        var problems = new Dictionary<CheckpointProblem, int>();
        foreach (int cut in cuts)
        {
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Parse(file[..cut], "cut"), $"cut at {cut}");
            problems[e!.Problem] = problems.GetValueOrDefault(e.Problem) + 1;
        }

        TestContext.Out.WriteLine($"{header.Tensors.Count} tensors, header+table {headerEnd} bytes, file {file.Length}: " +
                                  string.Join(", ", problems.Select(p => $"{p.Key} {p.Value}")));
        Assert.That(problems.Keys, Is.SubsetOf(new[] { CheckpointProblem.Empty, CheckpointProblem.BadMagic, CheckpointProblem.Truncated, CheckpointProblem.BadHeader }));
        Assert.That(problems[CheckpointProblem.Truncated], Is.GreaterThan(200), "cuts past the fixed header are named as truncation");
    }

    [Test]
    public void Every_single_bit_flip_sampled_is_detected()
    {
        byte[] file = Sample(out _);
        var random = new Random(2);
        for (int i = 0; i < 2_000; i++)
        {
            byte[] damaged = (byte[])file.Clone();
            int at = random.Next(damaged.Length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            Assert.Throws<CheckpointException>(() => Checkpoint.Parse(damaged, "flip"), $"bit flip at byte {at}");
        }
    }

    [Test]
    public void Zeroed_empty_directory_and_missing_files_are_named()
    {
        byte[] file = Sample(out _);
        string zeroed = Write("zeroed.ckpt", new byte[file.Length]);
        string empty = Write("empty.ckpt", []);
        string directory = Path.Combine(_dir, "dir.ckpt");
        Directory.CreateDirectory(directory);
        Assert.Multiple(() =>
        {
            Assert.That(Problem(zeroed), Is.EqualTo(CheckpointProblem.Empty));
            Assert.That(Problem(empty), Is.EqualTo(CheckpointProblem.Empty));
            Assert.That(Problem(directory), Is.EqualTo(CheckpointProblem.NotAFile));
            Assert.That(Problem(Path.Combine(_dir, "missing.ckpt")), Is.EqualTo(CheckpointProblem.Missing));
            Assert.That(Problem(Write("text.ckpt", "hello, not a checkpoint"u8.ToArray())), Is.EqualTo(CheckpointProblem.BadMagic));
        });
    }

    [Test]
    public void A_checkpoint_of_another_model_is_refused_naming_both_fingerprints()
    {
        byte[] file = Sample(out _);
        var lru = CheckpointFixtures.Build(CheckpointFixtures.LruModel, "online", UpdateSchedule.Immediate, 0);
        var checkpoint = Checkpoint.Parse(file, "snn.ckpt");
        var e = Assert.Throws<CheckpointException>(() => checkpoint.Restore(lru));
        Assert.That(e!.Problem, Is.EqualTo(CheckpointProblem.PlanMismatch));
        Assert.That(e.Message, Does.Contain(checkpoint.PlanFingerprintText).And.Contain(lru.Plan.FingerprintText));

        var otherRule = CheckpointFixtures.Build(CheckpointFixtures.SnnModel, "ottt", UpdateSchedule.Immediate, 0);
        Assert.That(() => checkpoint.Restore(otherRule), Throws.TypeOf<CheckpointException>().With.Property("Problem").EqualTo(CheckpointProblem.PlanMismatch));
    }

    [Test]
    public void The_store_falls_back_to_prev_when_the_newest_is_damaged_and_says_why()
    {
        var document = ModelDocument.Parse("m.json", CheckpointFixtures.SnnModel);
        var network = CheckpointFixtures.Build(CheckpointFixtures.SnnModel, "ostl", UpdateSchedule.Immediate, 0);
        var store = new CheckpointStore(Path.Combine(_dir, "run.ckpt"));
        CheckpointFixtures.Drive(network, 0, 20);
        Assert.That(store.Save(network, document, "scalar").Saved, Is.True);
        long older = network.Health().Steps;
        CheckpointFixtures.Drive(network, 20, 30);
        Assert.That(store.Save(network, document, "scalar").Saved, Is.True);
        Assert.That(Checkpoint.Load(store.PreviousPath).Steps, Is.EqualTo(older));
        Assert.That(Checkpoint.Load(store.Path).Steps, Is.EqualTo(network.Health().Steps));

        byte[] newest = File.ReadAllBytes(store.Path);
        newest[newest.Length / 2] ^= 0x10;
        File.WriteAllBytes(store.Path, newest);
        var fresh = CheckpointFixtures.Build(CheckpointFixtures.SnnModel, "ostl", UpdateSchedule.Immediate, 0);
        var result = store.Load(fresh);
        TestContext.Out.WriteLine(string.Join("\n", result.Notes));
        Assert.Multiple(() =>
        {
            Assert.That(result.UsedPath, Is.EqualTo(store.PreviousPath));
            Assert.That(result.Steps, Is.EqualTo(older));
            Assert.That(fresh.Health().Steps, Is.EqualTo(older));
            Assert.That(string.Join("\n", result.Notes), Does.Contain("crc-mismatch"));
        });

        // A damaged newest file is not rotated over the good .prev by the next save.
        Assert.That(store.Save(fresh, document, "scalar").Saved, Is.True);
        Assert.That(Checkpoint.Load(store.PreviousPath).Steps, Is.EqualTo(older));
    }

    [Test]
    public void No_checkpoint_means_a_fresh_start()
    {
        var network = CheckpointFixtures.Build(CheckpointFixtures.LruModel, "online", UpdateSchedule.Immediate, 0);
        var result = new CheckpointStore(Path.Combine(_dir, "none.ckpt")).Load(network);
        Assert.That(result.UsedPath, Is.Null);
        Assert.That(result.Notes[^1], Does.Contain("starting fresh"));
    }

    private static byte[] Sample(out ModelDocument document)
    {
        document = ModelDocument.Parse("m.json", CheckpointFixtures.SnnModel);
        var network = CheckpointFixtures.Build(CheckpointFixtures.SnnModel, "ostl", UpdateSchedule.Immediate, 0.9);
        CheckpointFixtures.Drive(network, 0, 17);
        return CheckpointWriter.Serialize(network, document, "scalar", DateTimeOffset.UnixEpoch);
    }

    private static CheckpointProblem Problem(string path) => Assert.Throws<CheckpointException>(() => Checkpoint.Load(path))!.Problem;

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
