using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>Ladder step 6 for the LRU: after warm-up, Step, ResetState and ClearGradients allocate nothing, in every rule and block.</summary>
public sealed class QLruAllocationTests
{
    [TestCase(LruRule.Online, "lru-only", false)]
    [TestCase(LruRule.Spatial, "lru-only", false)]
    [TestCase(LruRule.Truncated, "lru-only", false)]
    [TestCase(LruRule.Online, "lru-only", true)]
    [TestCase(LruRule.Truncated, "lru-only", true)]
    [TestCase(LruRule.Online, "glu", true)]
    [TestCase(LruRule.Truncated, "glu", true)]
    [TestCase(LruRule.Online, "mlp", true)]
    [TestCase(LruRule.Spatial, "mlp", false)]
    public void StepAllocatesNothingAfterWarmUp(LruRule rule, string block, bool updates)
    {
        foreach (string loss in new[] { "mse", "ce" })
        {
            LruSpec spec = LruTestModels.Stack(inputs: 4, width: 16, outputs: 3, layers: 2, n: 8, seed: 3, rMin: 0.5, rMax: 0.999, block: block, loss: loss);
            var network = QLruNetwork.Create(spec, new QLruOptions
            {
                Rule = rule,
                Schedule = updates ? UpdateSchedule.Every(3) : UpdateSchedule.Never,
                Sgd = new SgdOptions { LearningRate = 1.0 / 4096 },
            });
            short[] x = [100, -2000, 3000, 0];
            int[] target = [1 << 23, 0, 1 << 24];
            network.Step(x, target);
            network.ResetState();
            network.ClearGradients();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 500; i++)
            {
                network.Step(x, target);
                if (i % 100 == 99)
                {
                    network.ResetState();
                    network.ClearGradients();
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            TestContext.Out.WriteLine($"{rule} {block} {loss} {(updates ? "SGD every 3 steps" : "no updates")}: {allocated} bytes over 500 steps, arena {network.Arena.Length} B");
            Assert.That(allocated, Is.Zero);
        }
    }

    [Test]
    public void PlanListsEveryTensorOfTheArenaAndItsTotal()
    {
        LruSpec spec = LruTestModels.Stack(inputs: 4, width: 16, outputs: 3, layers: 2, n: 8, seed: 3, rMin: 0.5, rMax: 0.9, block: "glu");
        var network = QLruNetwork.Create(spec, new QLruOptions { Rule = LruRule.Truncated });
        string plan = network.Plan.Describe();
        TestContext.Out.WriteLine(plan);
        Assert.That(plan, Does.Contain("layers[1].B_re.master").And.Contain("layers[0].e_B_re").And.Contain("layers[1].norm_gain.grad")
            .And.Contain("layers[0].step[1].h_re").And.Contain("encoder.W").And.Contain("optimizer.rng"));
        Assert.That(network.Arena.Length, Is.EqualTo(network.Plan.TotalBytes));
    }
}
