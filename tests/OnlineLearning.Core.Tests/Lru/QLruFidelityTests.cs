using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference;
using OnlineLearning.Reference.Lru;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>
/// Ladder step 3 for the LRU: fixed-point gradients against the float64 reference of the same rule (online,
/// spatial, truncated) on the same model and input, per layer (every parameter of the layer, block included, as
/// one vector), cosine ≥ 0.99; encoder and decoder likewise.
/// </summary>
public sealed class QLruFidelityTests
{
    [TestCase(LruRule.Online, "lru-only", 0.5, 0.9, 1)]
    [TestCase(LruRule.Online, "lru-only", 0.9, 0.999, 1)]
    [TestCase(LruRule.Online, "lru-only", 0.5, 0.999, 2)]
    [TestCase(LruRule.Online, "lru-only", 0.99, 0.999, 3)]
    [TestCase(LruRule.Spatial, "lru-only", 0.5, 0.999, 2)]
    [TestCase(LruRule.Spatial, "lru-only", 0.99, 0.999, 3)]
    [TestCase(LruRule.Truncated, "lru-only", 0.5, 0.9, 1)]
    [TestCase(LruRule.Truncated, "lru-only", 0.5, 0.999, 2)]
    [TestCase(LruRule.Truncated, "lru-only", 0.99, 0.999, 3)]
    [TestCase(LruRule.Online, "glu", 0.5, 0.999, 2)]
    [TestCase(LruRule.Spatial, "glu", 0.5, 0.999, 2)]
    [TestCase(LruRule.Truncated, "glu", 0.5, 0.999, 2)]
    [TestCase(LruRule.Online, "mlp", 0.5, 0.999, 2)]
    [TestCase(LruRule.Spatial, "mlp", 0.5, 0.999, 2)]
    [TestCase(LruRule.Truncated, "mlp", 0.9, 0.999, 3)]
    public void GradientsMatchFloat64OfTheSameRulePerLayerCosineAtLeast099(LruRule rule, string block, double rMin, double rMax, int layers)
    {
        LruSpec spec = LruTestModels.Stack(inputs: 3, width: 16, outputs: 2, layers: layers, n: 12, seed: 7, rMin, rMax, block);
        double[][] input = LruTestModels.Noise(120, 3, 11, 0.5);
        double[][] target = LruTestModels.Noise(120, 2, 12, 0.5);
        GradientReport reference = LruReference.Gradients(spec, input, target, rule);
        GradientReport fixedPoint = QLruGradients.Compute(spec, input, target, rule);

        TestContext.Out.WriteLine($"{rule}, {block}, |λ| in [{rMin}, {rMax}], {layers} layer(s), T = 120: loss f64 {reference.Loss:F5}, q {fixedPoint.Loss:F5}");
        TestContext.Out.WriteLine("tensor                 cosine    max rel diff");
        foreach (NamedGradient g in reference.Gradients)
        {
            TestContext.Out.WriteLine($"{g.Name,-22} {GradientComparison.Cosine(reference, fixedPoint, g.Name),8:F5}  {GradientComparison.MaxRelativeDifference(reference, fixedPoint, g.Name),10:E2}");
        }

        Assert.That(fixedPoint.Gradients.Select(g => g.Name), Is.EqualTo(reference.Gradients.Select(g => g.Name)));
        Assert.That(fixedPoint.Loss, Is.EqualTo(reference.Loss).Within(1e-2 * reference.Loss + 1e-3));
        for (int l = 0; l < layers; l++)
        {
            double cosine = GradientComparison.CosineByPrefix(reference, fixedPoint, $"layers[{l}].");
            TestContext.Out.WriteLine($"layers[{l}] cosine {cosine:F5}");
            Assert.That(cosine, Is.GreaterThanOrEqualTo(0.99), $"layer {l}");
        }

        if (rule != LruRule.Online)
        {
            // How far apart the rules are, so that the match above says something.
            GradientReport online = LruReference.Gradients(spec, input, target, LruRule.Online);
            TestContext.Out.WriteLine($"layers[0] cosine to the float64 online rule instead: {GradientComparison.CosineByPrefix(online, fixedPoint, "layers[0]."):F5}");
        }

        Assert.That(GradientComparison.CosineByPrefix(reference, fixedPoint, "encoder."), Is.GreaterThanOrEqualTo(0.99), "encoder");
        Assert.That(GradientComparison.CosineByPrefix(reference, fixedPoint, "decoder."), Is.GreaterThanOrEqualTo(0.99), "decoder");
    }
}
