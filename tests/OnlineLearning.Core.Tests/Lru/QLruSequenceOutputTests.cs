using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>Sequence classification reads the output averaged over time (seed 004 4.3).</summary>
public sealed class QLruSequenceOutputTests
{
    [Test]
    public void Averaged_output_and_prediction_follow_the_outputs_of_the_sequence_and_restart_with_it()
    {
        const string json = """{"type":"lru","inputs":3,"seed":4,"loss":"ce","encoder":{"size":6},"layers":[{"N":5}],"decoder":{"size":4}}""";
        var spec = (LruSpec)ModelSpec.Parse(JsonTree.ParseText("m.json", json));
        var network = QLruNetwork.Create(spec, new QLruOptions());
        var sum = new long[4];
        var target = new int[4];
        target[1] = 1 << 24;
        for (int t = 0; t < 37; t++)
        {
            short[] x = [(short)((t * 311 % 2048) - 1024), (short)(t % 5 * 300), (short)(-t * 40)];
            network.Step(x, target);
            for (int k = 0; k < 4; k++)
            {
                sum[k] += network.Output[k];
            }
        }

        var mean = new int[4];
        network.AverageOutput(mean);
        Assert.Multiple(() =>
        {
            Assert.That(network.StepsInSequence, Is.EqualTo(37));
            for (int k = 0; k < 4; k++)
            {
                Assert.That(mean[k], Is.EqualTo(Math.Round(sum[k] / 37.0, MidpointRounding.AwayFromZero)).Within(1), $"output {k}");
            }

            Assert.That(network.PredictSequence(), Is.EqualTo(Array.IndexOf(sum, sum.Max())));
        });

        network.ResetState();
        network.AverageOutput(mean);
        Assert.That(mean, Is.All.Zero);
        Assert.That(network.StepsInSequence, Is.Zero);
    }
}
