using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>The float64 immediate-update trainer against the sequence gradients of <see cref="SnnReference"/>.</summary>
public sealed class SnnImmediateTrainerTests
{
    /// <summary>
    /// Two LIF layers (5 → 6 → 4, cross-entropy on a leaky readout of 3 classes, warm-up 3), 20 steps. With a tiny
    /// learning rate the per-step updates barely move the forward pass, so their sum divided by −lr must be the
    /// rule's sequence gradient: relative difference ≤ 1e-4 on every parameter, for every online rule.
    /// </summary>
    [TestCase(SnnRule.Ostl)]
    [TestCase(SnnRule.Ottt)]
    [TestCase(SnnRule.Otpe)]
    [TestCase(SnnRule.ApproxOtpe)]
    [TestCase(SnnRule.FOtpe)]
    public void Per_step_updates_sum_to_the_rules_sequence_gradient_as_the_rate_goes_to_zero(SnnRule rule)
    {
        const double lr = 1e-8;
        var spec = SnnFixtures.Model(NeuronKind.Lif, 5, [6, 4], 3, LossKind.CrossEntropy, 301, warmup: 3);
        var input = SnnFixtures.Input(20, 5, true, 302);
        var target = SnnFixtures.Target(20, 3, LossKind.CrossEntropy, 303);
        var reference = SnnReference.Gradients(spec, input, target, rule);
        var trained = Clone(spec);
        double loss = SnnImmediateTrainer.TrainSequence(trained, input, target, rule, lr);

        Assert.That(loss, Is.EqualTo(reference.Loss).Within(1e-4).Percent, "loss, up to the O(lr) drift of the forward pass");
        double worst = 0;
        foreach (var (name, before, after) in Parameters(spec, trained))
        {
            var expected = reference[name].Values;
            double scale = expected.Max(Math.Abs);
            for (int i = 0; i < expected.Length; i++)
            {
                double estimate = (before[i] - after[i]) / lr;
                worst = Math.Max(worst, Math.Abs(estimate - expected[i]) / scale);
            }
        }

        TestContext.Out.WriteLine($"{rule}: max |Σ per-step update / −lr − sequence gradient| / max|gradient| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    private static IEnumerable<(string Name, double[] Before, double[] After)> Parameters(SnnSpec a, SnnSpec b)
    {
        for (int l = 0; l < a.Layers.Count; l++)
        {
            yield return ($"layers[{l}].W", [.. a.Layers[l].W.SelectMany(r => r)], [.. b.Layers[l].W.SelectMany(r => r)]);
            yield return ($"layers[{l}].threshold", a.Layers[l].Threshold, b.Layers[l].Threshold);
        }

        yield return ("readout.W", [.. a.Readout!.W.SelectMany(r => r)], [.. b.Readout!.W.SelectMany(r => r)]);
    }

    private static SnnSpec Clone(SnnSpec s) => s with
    {
        Layers = [.. s.Layers.Select(l => new SnnLayerSpec(l.Size, [.. l.W.Select(r => r.ToArray())], [.. l.Threshold]))],
        Readout = s.Readout is { } r ? new DenseSpec(r.Size, [.. r.W.Select(row => row.ToArray())]) : null,
    };
}
