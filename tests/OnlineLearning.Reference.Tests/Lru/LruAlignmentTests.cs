using OnlineLearning.Core.Models;
using OnlineLearning.Core.Tasks;
using OnlineLearning.Reference.Lru;

namespace OnlineLearning.Reference.Tests.Lru;

/// <summary>
/// Seed 004 4.1 (Fig. 2.A/E): per-layer cosine of each online estimate to the BPTT gradient in deep stacks, on
/// copy-task sequences. Online must beat spatial and 1-step truncated backprop in every layer (mean over seeds)
/// and be exact in the last layer.
/// </summary>
public class LruAlignmentTests
{
    private const int Seeds = 4;

    private static readonly LruRule[] Rules = [LruRule.Online, LruRule.Spatial, LruRule.Truncated];

    [TestCase("glu:16 glu:16")]
    [TestCase("lru-only:16 glu:16 glu:16")]
    [TestCase("glu:16 lru-only:16 glu:16 glu:16")]
    public void Online_AlignsBetterThanSpatialAndTruncated_PerLayer_CopyTask(string stack)
    {
        var blocks = stack.Split(' ');
        var task = new CopyTask(new CopyTaskOptions { Bits = 4, PatternLength = 10, Delay = 5 });
        int layers = blocks.Length;

        // [rule][layer] → cosines over seeds, for the recurrent parameters and for the whole layer.
        var recurrent = Rules.Select(_ => Enumerable.Range(0, layers).Select(_ => new List<double>()).ToArray()).ToArray();
        var whole = Rules.Select(_ => Enumerable.Range(0, layers).Select(_ => new List<double>()).ToArray()).ToArray();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var spec = LruModels.Stack(task.Inputs, width: 12, task.Outputs, blocks, seed, rMin: 0.5, rMax: 0.999);
            var (input, target) = task.Sample(1, 1000 + seed)[0];
            var bptt = LruReference.Gradients(spec, input, target, LruRule.Bptt);
            for (int r = 0; r < Rules.Length; r++)
            {
                var estimate = LruReference.Gradients(spec, input, target, Rules[r]);
                for (int l = 0; l < layers; l++)
                {
                    recurrent[r][l].Add(GradientComparison.Cosine(estimate, bptt, LruModels.RecurrentNames(l)));
                    whole[r][l].Add(GradientComparison.CosineByPrefix(estimate, bptt, $"layers[{l}]."));
                }
            }
        }

        Print(blocks, recurrent, whole);
        for (int l = 0; l < layers; l++)
        {
            double online = recurrent[0][l].Average();
            Assert.That(online, Is.GreaterThan(recurrent[1][l].Average()), $"layer {l}: online vs spatial (ν, θ, γ, B cosine, mean of {Seeds} seeds)");
            Assert.That(online, Is.GreaterThan(recurrent[2][l].Average()), $"layer {l}: online vs truncated (ν, θ, γ, B cosine, mean of {Seeds} seeds)");
            Assert.That(whole[0][l].Average(), Is.GreaterThan(Math.Max(whole[1][l].Average(), whole[2][l].Average())),
                $"layer {l}: online vs spatial and truncated (whole-layer cosine, mean of {Seeds} seeds)");
        }

        Assert.That(recurrent[0][layers - 1].Min(), Is.EqualTo(1).Within(1e-12), "last layer: online is exact");
        Assert.That(whole[0][layers - 1].Min(), Is.EqualTo(1).Within(1e-12), "last layer: online is exact for every parameter");
    }

    private static void Print(string[] blocks, List<double>[][] recurrent, List<double>[][] whole)
    {
        TestContext.Out.WriteLine($"stack [{string.Join(", ", blocks)}], copy task 4 bits x 10 + delay 5 (T = 25), |λ| in [0.5, 0.999], mean cosine to BPTT over {Seeds} seeds");
        TestContext.Out.WriteLine($"{"layer",-6} {"online ν,θ,γ,B",16} {"spatial",9} {"truncated",10} | {"online all",11} {"spatial",9} {"truncated",10}");
        for (int l = 0; l < blocks.Length; l++)
        {
            TestContext.Out.WriteLine(
                $"{l,-6} {recurrent[0][l].Average(),16:F4} {recurrent[1][l].Average(),9:F4} {recurrent[2][l].Average(),10:F4} | " +
                $"{whole[0][l].Average(),11:F4} {whole[1][l].Average(),9:F4} {whole[2][l].Average(),10:F4}");
        }
    }
}
