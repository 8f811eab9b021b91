using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Experiments;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>
/// <see cref="SnnAlignment"/>, the probe behind olrt train --cosine-every: reading a fixed-point network's weights
/// back into a float64 spec, and the per-layer cosine it reports.
/// </summary>
public sealed class SnnAlignmentProbeTests
{
    private static SnnSpec Preset()
    {
        Assert.That(ModelPresets.TryGet("snn-randman", out string json));
        return (SnnSpec)ModelDocument.Parse("snn-randman", json).Spec;
    }

    [Test]
    public void WithWeights_reads_back_the_networks_weights_and_follows_training()
    {
        var spec = Preset();
        var network = NetworkFactory.Create(spec, new NetworkOptions { Rule = "otpe", Schedule = UpdateSchedule.Immediate });
        var before = SnnAlignment.WithWeights(spec, network);
        // Freshly built: the spec's weights up to the fixed-point rounding.
        Assert.That(before.Layers[0].W[3][5], Is.EqualTo(spec.Layers[0].W[3][5]).Within(1e-3));
        Assert.That(before.Readout!.W[2][7], Is.EqualTo(spec.Readout!.W[2][7]).Within(1e-3));

        var data = TaskCatalog.Load("randman-t", "snn", 1);
        var learner = new NetworkLearner(network);
        for (int i = 0; i < 5; i++)
        {
            learner.Train(data.Train, i, 0);
        }

        var after = SnnAlignment.WithWeights(spec, network);
        double moved = after.Readout!.W.Zip(before.Readout.W).Sum(p => p.First.Zip(p.Second).Sum(q => Math.Abs(q.First - q.Second)));
        Assert.Multiple(() =>
        {
            Assert.That(moved, Is.GreaterThan(0), "training moved the readout, and WithWeights must see it");
            Assert.That(after.Layers.Select(l => l.Size), Is.EqualTo(spec.Layers.Select(l => l.Size)));
            Assert.That(after.Layers[1].W[0], Has.Length.EqualTo(spec.Layers[1].W[0].Length));
        });
    }

    [Test]
    public void OTPEs_float64_gradient_is_exact_next_to_the_readout_and_approximate_in_the_first_layer()
    {
        var spec = Preset();
        var test = TaskCatalog.Load("randman-t", "snn", 1).Test;
        var probes = Enumerable.Range(0, 2).Select(i =>
        {
            var rows = Enumerable.Range(0, test.Length(i)).Select(t =>
            {
                var x = new double[test.Inputs];
                test.Fill(i, t, -1, x);
                return x;
            }).ToArray();
            return (rows, test.Label(i, 0));
        }).ToArray();
        var cosine = new SnnAlignment(probes, spec.Outputs, "otpe", "f64").Measure(spec);
        Assert.Multiple(() =>
        {
            Assert.That(SnnAlignment.Layers(spec), Is.EqualTo(new[] { "layers[0]", "layers[1]", "readout", "model" }));
            Assert.That(cosine[1], Is.EqualTo(1).Within(1e-9), "OTPE is exact in the last hidden layer (seed 002)");
            Assert.That(cosine[2], Is.EqualTo(1).Within(1e-9), "the readout gradient is exact");
            Assert.That(cosine[0], Is.LessThan(0.999));
        });
    }

    [Test]
    public void BPTT_is_not_an_online_rule_to_compare()
    {
        Assert.Throws<ArgumentException>(() => _ = new SnnAlignment([([[0.0]], 0)], 2, "bptt", "q"));
    }
}
