using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Tasks;

namespace OnlineLearning.Core.Tests.Soak;

/// <summary>
/// The soak streams are pure functions of (seed, step index): a run resumed at step S sees exactly what an
/// uninterrupted run sees from S on, whatever was generated before in the process.
/// </summary>
public sealed class SoakStreamTests
{
    private const string Snn = """{"type":"snn","neuron":"lif","inputs":6,"seed":1,"loss":"mse","layers":[{"size":8}],"readout":{"size":3}}""";
    private const string Lru = """{"type":"lru","inputs":3,"outputs":2,"loss":"mse","seed":1,"encoder":{"size":4},"layers":[{"N":5,"block":"lru-only"}],"decoder":{"size":2}}""";

    [TestCase(Snn, "snn")]
    [TestCase(Lru, "lru")]
    public void A_source_started_at_any_step_matches_one_run_from_zero(string json, string family)
    {
        var network = Build(json);
        Assert.That(network.Family, Is.EqualTo(family));
        const int steps = 1000;
        var (inputs, targets, labels) = Run(SoakStreams.For(network, 7), 0, steps);
        foreach (long resume in new long[] { 1, 24, 25, 26, 127, 128, 500, 999 })
        {
            var (i2, t2, l2) = Run(SoakStreams.For(network, 7), resume, steps);
            for (long s = resume; s < steps; s++)
            {
                Assert.That(i2[s], Is.EqualTo(inputs[s]), $"input at step {s}, resumed at {resume}");
                Assert.That(t2[s], Is.EqualTo(targets[s]), $"target at step {s}, resumed at {resume}");
                Assert.That(l2[s], Is.EqualTo(labels[s]), $"label at step {s}, resumed at {resume}");
            }
        }

        // Jumping around in one source changes nothing either.
        var source = SoakStreams.For(network, 7);
        var input = new short[network.Inputs];
        var target = new int[network.Outputs];
        foreach (long s in new long[] { 999, 3, 512, 3, 0, 640, 26 })
        {
            int label = source.Fill(s, input, target);
            Assert.That(input, Is.EqualTo(inputs[s]), $"input at step {s} out of order");
            Assert.That(label, Is.EqualTo(labels[s]));
        }
    }

    [TestCase(Snn)]
    [TestCase(Lru)]
    public void Another_seed_gives_another_stream(string json)
    {
        var network = Build(json);
        var (a, ta, _) = Run(SoakStreams.For(network, 1), 0, 200);
        var (b, tb, _) = Run(SoakStreams.For(network, 2), 0, 200);
        bool differs = Enumerable.Range(0, 200).Any(s => !a[s].SequenceEqual(b[s]) || !ta[s].SequenceEqual(tb[s]));
        Assert.That(differs, Is.True);
    }

    [Test]
    public void Randman_samples_spike_each_unit_once_and_hold_their_label()
    {
        var network = Build(Snn);
        var source = SoakStreams.For(network, 3);
        int length = source.SequenceLength;
        var (inputs, _, labels) = Run(source, 0, 40 * length);
        var seen = new HashSet<int>();
        for (int sample = 0; sample < 40; sample++)
        {
            int label = labels[sample * length];
            Assert.That(label, Is.InRange(0, network.Outputs - 1));
            seen.Add(label);
            for (int u = 0; u < network.Inputs; u++)
            {
                int spikes = Enumerable.Range(sample * length, length).Count(s => inputs[s][u] != 0);
                Assert.That(spikes, Is.EqualTo(1), $"sample {sample} unit {u}");
            }

            Assert.That(Enumerable.Range(sample * length, length).All(s => labels[s] == label), Is.True, $"sample {sample} changes label");
        }

        Assert.That(seen, Has.Count.EqualTo(network.Outputs), "every class turns up in 40 samples");
    }

    [TestCase(Snn)]
    [TestCase(Lru)]
    public void Fill_allocates_nothing(string json)
    {
        var network = Build(json);
        var source = SoakStreams.For(network, 1);
        var input = new short[network.Inputs];
        var target = new int[network.Outputs];
        source.Fill(0, input, target);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long s = 1; s < 5000; s++)
        {
            source.Fill(s, input, target);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static OnlineNetwork Build(string json) =>
        NetworkFactory.Create(ModelSpec.Parse(JsonTree.ParseText("soak-test.json", json)), new NetworkOptions());

    private static (short[][] Inputs, int[][] Targets, int[] Labels) Run(ISoakSource source, long from, long to)
    {
        var inputs = new short[to][];
        var targets = new int[to][];
        var labels = new int[to];
        for (long s = from; s < to; s++)
        {
            inputs[s] = new short[source.Inputs];
            targets[s] = new int[source.Outputs];
            labels[s] = source.Fill(s, inputs[s], targets[s]);
        }

        return (inputs, targets, labels);
    }
}
