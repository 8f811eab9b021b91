using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Lru;

namespace OnlineLearning.Reference.Tests.Lru;

/// <summary>Seed 004 3.1 and 3.2: the online rule is exact for one layer and for the last layer of a stack.</summary>
public class LruExactnessTests
{
    private const double Tolerance = 1e-9;

    [TestCase(0.0, 0.9)]
    [TestCase(0.9, 0.999)]
    [TestCase(0.99, 0.999)]
    public void OneLayer_OnlineEqualsBptt_Within1e9Relative_T150(double rMin, double rMax)
    {
        for (int seed = 1; seed <= 4; seed++)
        {
            var spec = LruModels.Stack(inputs: 3, width: 6, outputs: 2, ["lru-only:8"], seed, rMin, rMax);
            var input = LruModels.Noise(150, 3, 100 + seed);
            var target = LruModels.Noise(150, 2, 200 + seed);
            var names = LruModels.LruNames(0).Append("decoder.W").ToArray();
            AssertExact(spec, input, target, names, $"ring [{rMin}, {rMax}], seed {seed}");
        }
    }

    [Test]
    public void OneGluLayer_CrossEntropy_OnlineEqualsBptt_Within1e9Relative_T120()
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var spec = LruModels.Stack(inputs: 4, width: 5, outputs: 3, ["glu:6"], seed, 0.5, 0.999, "ce");
            var input = LruModels.Noise(120, 4, 300 + seed);
            var target = LruModels.OneHot(120, 3, 400 + seed);
            var names = LruModels.LruNames(0).Concat(["layers[0].W1", "layers[0].W2", "layers[0].norm_gain", "decoder.W"]).ToArray();
            AssertExact(spec, input, target, names, $"glu ce, seed {seed}");
        }
    }

    [TestCase("lru-only")]
    [TestCase("glu")]
    [TestCase("mlp")]
    public void ThreeLayers_LastLayerOnlineEqualsBptt_Within1e9Relative_T120(string block)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var spec = LruModels.Stack(inputs: 3, width: 6, outputs: 2, [$"{block}:8", $"{block}:8", $"{block}:8"], seed, 0.9, 0.999);
            var input = LruModels.Noise(120, 3, 500 + seed);
            var target = LruModels.Noise(120, 2, 600 + seed);
            var names = LruParameters.Of(spec).Select(p => p.Name)
                .Where(n => n.StartsWith("layers[2].", StringComparison.Ordinal) || n == "decoder.W").ToArray();
            AssertExact(spec, input, target, names, $"{block} x3, seed {seed}");

            // The lower layers are not exact (seed 004 3.2): the test would be empty if they were.
            var online = LruReference.Gradients(spec, input, target, LruRule.Online);
            var bptt = LruReference.Gradients(spec, input, target, LruRule.Bptt);
            Assert.That(GradientComparison.MaxRelativeDifference(online, bptt, LruModels.RecurrentNames(0)), Is.GreaterThan(1e-6),
                "layer 0 of a 3-layer stack should differ from BPTT");
        }
    }

    private static void AssertExact(LruSpec spec, double[][] input, double[][] target, string[] names, string what)
    {
        var online = LruReference.Gradients(spec, input, target, LruRule.Online);
        var bptt = LruReference.Gradients(spec, input, target, LruRule.Bptt);
        Assert.That(online.Loss, Is.EqualTo(bptt.Loss));
        double worst = 0;
        foreach (string name in names)
        {
            double d = GradientComparison.MaxRelativeDifference(online, bptt, name);
            worst = Math.Max(worst, d);
            Assert.That(d, Is.LessThanOrEqualTo(Tolerance), $"{what}: {name} online vs BPTT");
            Assert.That(MaxAbs(bptt, name), Is.GreaterThan(0), $"{what}: {name} has a zero gradient, the check is empty");
        }

        TestContext.Out.WriteLine($"{what}: max relative |online − bptt| over {names.Length} tensors = {worst:E2}");
    }

    private static double MaxAbs(GradientReport r, string name) => r[name].Values.Max(Math.Abs);
}
