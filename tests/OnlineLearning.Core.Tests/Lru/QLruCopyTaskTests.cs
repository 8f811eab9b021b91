using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>
/// Ladder step 4 for the LRU: the copy task (seed 004 4.1, B.1), reduced for CI, loss on the recall steps only
/// (<see cref="Tasks.CopyTask.Mask"/>). Fixed-point online learning must end clearly below spatial and
/// truncated; the full-size run is <see cref="CopyTaskExperiment.Run"/>.
/// </summary>
public sealed class QLruCopyTaskTests
{
    /// <summary>Always on: 2 layers, N 16, H 32, pattern 5, delay 3, 2500 samples (about 5 s on x64).</summary>
    [Test]
    [Category("Accuracy")]
    public void SmallCopyTaskOnlineEndsBelowSpatialAndTruncated() => Run(
        new CopyTaskExperimentOptions
        {
            Layers = 2, N = 16, H = 32, PatternLength = 5, Delay = 3, Samples = 2500, LearningRate = 1.0 / 128, RMin = 0.5,
        },
        margin: 0.8);

    /// <summary>The reduced size: 2 layers, N 32, H 64, pattern 10, delay 7, 6000 samples (about 40 s on x64).</summary>
    [Test]
    [Category("Accuracy")]
    [Category("Long")]
    public void RequestedSizeCopyTaskOnlineEndsBelowSpatialAndTruncated() => Run(
        new CopyTaskExperimentOptions
        {
            Layers = 2, N = 32, H = 64, PatternLength = 10, Delay = 7, Samples = 6000, LearningRate = 1.0 / 1024, RMin = 0.5,
        },
        margin: 0.9);

    private static void Run(CopyTaskExperimentOptions options, double margin)
    {
        IReadOnlyList<CopyTaskResult> results = CopyTaskExperiment.Run(options);
        CopyTaskResult online = results.Single(r => r.Rule == LruRule.Online);
        CopyTaskResult spatial = results.Single(r => r.Rule == LruRule.Spatial);
        CopyTaskResult truncated = results.Single(r => r.Rule == LruRule.Truncated);
        TestContext.Out.WriteLine($"copy task, {options.Layers} layers ({options.Block}), N {options.N}, H {options.H}, pattern {options.PatternLength}, " +
            $"delay {options.Delay}, {options.Samples} samples, lr {options.LearningRate}; loss = ½ Σ squared error per recall step, mean of the first/last {options.FinalWindow} samples");
        TestContext.Out.WriteLine("rule        initial loss  final loss  final / online  saturations  seconds");
        foreach (CopyTaskResult r in results)
        {
            TestContext.Out.WriteLine($"{r.Rule,-10}  {r.InitialLoss,12:F4}  {r.FinalLoss,10:F4}  {r.FinalLoss / online.FinalLoss,14:F2}  {r.Saturations,11}  {r.Elapsed.TotalSeconds,7:F1}");
        }

        TestContext.Out.WriteLine($"ratios: online/spatial {online.FinalLoss / spatial.FinalLoss:F3}, online/truncated {online.FinalLoss / truncated.FinalLoss:F3} (must be < {margin})");
        Assert.That(online.FinalLoss, Is.LessThan(online.InitialLoss), "online learns");
        Assert.That(online.FinalLoss, Is.LessThan(margin * spatial.FinalLoss), "online vs spatial");
        Assert.That(online.FinalLoss, Is.LessThan(margin * truncated.FinalLoss), "online vs truncated");
    }
}
