using System.Globalization;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Experiments;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>
/// Per-layer cosine of each online rule's gradient to BPTT's *during* training (seed 002 Figs. 3 and 4 track it over
/// training; <see cref="SnnAlignmentTests"/> measures it at initialisation only): the olrt train T-Randman task
/// (10 classes, 20 units, 25 steps; 400 training sequences) and preset (snn-randman: LIF 20 → 128 → 64 → CE
/// readout 10), each rule training its own copy with float64 immediate per-step SGD (lr 0.01, as olrt train
/// --precision f64), the cosine measured on 8 held-out sequences after 0, 100, 200 and 400 training sequences.
/// About 13 s on the host in Debug: category Long, so that it stays out of the qemu runs (OLRT_LONG=1 runs it).
/// </summary>
[Category("Long")]
public sealed class SnnAlignmentDuringTrainingTests
{
    private static readonly SnnRule[] Rules = [SnnRule.Ostl, SnnRule.Ottt, SnnRule.Otpe, SnnRule.ApproxOtpe];
    private static readonly int[] Checkpoints = [0, 100, 200, 400];

    [Test]
    public void TRandman_snn_randman_first_hidden_layer_otpe_and_approx_otpe_align_better_than_ostl_and_ottt_throughout_one_epoch()
    {
        var data = TaskCatalog.Load("randman-t", "snn", 1);
        var train = (StoredSequences)data.Train;
        var test = (StoredSequences)data.Test;
        var probes = test.Samples.Take(8).ToArray();
        // cos[rule][checkpoint][layer: H1, H2, readout]
        var cos = new Dictionary<SnnRule, double[][]>();
        foreach (var rule in Rules)
        {
            Assert.That(ModelPresets.TryGet("snn-randman", out string json));
            var spec = (SnnSpec)ModelDocument.Parse("snn-randman", json).Spec;
            var learner = new SnnFloatLearner(spec, rule, 0.01);
            cos[rule] = new double[Checkpoints.Length][];
            int trained = 0;
            for (int c = 0; c < Checkpoints.Length; c++)
            {
                for (; trained < Checkpoints[c]; trained++)
                {
                    learner.Train(train, trained, 0);
                }

                cos[rule][c] = Measure(spec, rule, probes);
            }
        }

        TestContext.Out.WriteLine("cosine to BPTT (mean over 8 held-out T-Randman sequences), snn-randman 20 → 128 → 64 → 10, each rule on its own training trajectory");
        TestContext.Out.WriteLine("rule        trained    H1      H2   readout");
        foreach (var rule in Rules)
        {
            for (int c = 0; c < Checkpoints.Length; c++)
            {
                TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{rule,-11} {Checkpoints[c],7} {cos[rule][c][0],7:F3} {cos[rule][c][1],7:F3} {cos[rule][c][2],7:F3}"));
            }
        }

        using (Assert.EnterMultipleScope())
        {
            for (int c = 0; c < Checkpoints.Length; c++)
            {
                foreach (var better in new[] { SnnRule.Otpe, SnnRule.ApproxOtpe })
                {
                    foreach (var worse in new[] { SnnRule.Ostl, SnnRule.Ottt })
                    {
                        Assert.That(cos[better][c][0], Is.GreaterThan(cos[worse][c][0]), $"H1 after {Checkpoints[c]} sequences: {better} against {worse}");
                    }
                }
            }
        }
    }

    private static double[] Measure(SnnSpec spec, SnnRule rule, Core.Tasks.LabelledSequence[] probes)
    {
        var sum = new double[3];
        foreach (var probe in probes)
        {
            var target = probe.Input.Select(_ => Enumerable.Range(0, spec.Outputs).Select(k => k == probe.Label ? 1.0 : 0.0).ToArray()).ToArray();
            var bptt = SnnReference.Gradients(spec, probe.Input, target, SnnRule.Bptt);
            var estimate = SnnReference.Gradients(spec, probe.Input, target, rule);
            sum[0] += GradientComparison.CosineByPrefix(estimate, bptt, "layers[0].");
            sum[1] += GradientComparison.CosineByPrefix(estimate, bptt, "layers[1].");
            sum[2] += GradientComparison.CosineByPrefix(estimate, bptt, "readout.");
        }

        return [.. sum.Select(s => s / probes.Length)];
    }
}
