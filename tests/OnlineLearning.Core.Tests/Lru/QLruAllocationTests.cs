using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>Ladder step 6 for the LRU: after warm-up, Step allocates nothing, in every rule, with and without updates.</summary>
public sealed class QLruAllocationTests
{
    [TestCase(LruRule.Online, 0)]
    [TestCase(LruRule.Spatial, 0)]
    [TestCase(LruRule.Truncated, 0)]
    [TestCase(LruRule.Online, 12)]
    [TestCase(LruRule.Truncated, 12)]
    public void StepAllocatesNothingAfterWarmUp(LruRule rule, int learningRateShift)
    {
        foreach (string loss in new[] { "mse", "ce" })
        {
            LruSpec spec = LruTestModels.Stack(inputs: 4, width: 16, outputs: 3, layers: 2, n: 8, seed: 3, rMin: 0.5, rMax: 0.999, loss: loss);
            var network = QLruNetwork.Create(spec, new QLruOptions { Rule = rule, LearningRateShift = learningRateShift, UpdateEvery = 3 });
            short[] x = [100, -2000, 3000, 0];
            int[] target = [1 << 23, 0, 1 << 24];
            network.Step(x, target);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 500; i++)
            {
                network.Step(x, target);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            TestContext.Out.WriteLine($"{rule} {loss} {(learningRateShift == 0 ? "no updates" : $"SGD 2^-{learningRateShift} every 3 steps")}: {allocated} bytes over 500 steps");
            Assert.That(allocated, Is.Zero);
        }
    }

    [Test]
    public void GluAndMlpBlocksAreRejectedClearly()
    {
        LruSpec spec = LruTestModels.Stack(inputs: 4, width: 8, outputs: 2, layers: 1, n: 4, seed: 3, rMin: 0.5, rMax: 0.9, block: "glu");
        Assert.That(() => QLruNetwork.Create(spec, new QLruOptions()), Throws.TypeOf<NotSupportedException>().With.Message.Contains("lru-only"));
    }
}
