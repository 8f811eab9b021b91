using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>
/// Ladder step 4 for the LRU: the copy task (seed 004 4.1, B.1), reduced for CI. Fixed-point online learning
/// must end clearly below spatial and truncated; the full-size run is <see cref="CopyTaskExperiment.Run"/>.
/// </summary>
public sealed class QLruCopyTaskTests
{
    [Test]
    [Category("Accuracy")]
    public void ReducedCopyTaskOnlineEndsBelowSpatialAndTruncated()
    {
        var options = new CopyTaskExperimentOptions
        {
            Layers = 2, N = 16, H = 32, PatternLength = 5, Delay = 3, Samples = 2500, LearningRate = 1.0 / 128, RMin = 0.5, FinalWindow = 200,
        };
        IReadOnlyList<CopyTaskResult> results = CopyTaskExperiment.Run(options);
        CopyTaskResult online = results.Single(r => r.Rule == LruRule.Online);
        TestContext.Out.WriteLine($"copy task, {options.Layers} layers, N {options.N}, H {options.H}, pattern {options.PatternLength}, delay {options.Delay}, {options.Samples} samples");
        TestContext.Out.WriteLine("rule        initial loss/step  final loss/step  final / online  saturations");
        foreach (CopyTaskResult r in results)
        {
            TestContext.Out.WriteLine($"{r.Rule,-10}  {r.InitialLoss,17:F4}  {r.FinalLoss,15:F4}  {r.FinalLoss / online.FinalLoss,14:F2}  {r.Saturations,11}");
        }

        Assert.That(online.FinalLoss, Is.LessThan(0.8 * results.Single(r => r.Rule == LruRule.Spatial).FinalLoss), "online vs spatial");
        Assert.That(online.FinalLoss, Is.LessThan(0.8 * results.Single(r => r.Rule == LruRule.Truncated).FinalLoss), "online vs truncated");
    }
}
