using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>
/// The copy task through the network contract (<see cref="CopyTaskExperiment.RunContract"/>, behind
/// <c>olrt train --task copy</c>): with plain SGD it must reproduce the direct QLruNetwork run bit for bit, and with
/// QAdam and a warm-up + cosine schedule it must train (finite losses, a curve point per block).
/// </summary>
public sealed class CopyTaskContractTests
{
    private static readonly CopyTaskExperimentOptions Small = new()
    {
        Layers = 2, N = 8, H = 16, PatternLength = 4, Delay = 2, Samples = 60, FinalWindow = 20, LearningRate = 1.0 / 1024, ProgressEvery = 0,
    };

    [Test]
    public void Sgd_through_the_contract_gives_the_same_losses_as_the_direct_copy_task_run()
    {
        var direct = CopyTaskExperiment.Run(Small, null, LruRule.Online).Single();
        var (contract, curve) = CopyTaskExperiment.RunContract(Small, "online", new SgdOptions { LearningRate = Small.LearningRate, Seed = 1 }, null, curveEvery: 20);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(contract.InitialLoss, Is.EqualTo(direct.InitialLoss));
            Assert.That(contract.FinalLoss, Is.EqualTo(direct.FinalLoss));
            Assert.That(contract.Samples, Is.EqualTo(60));
            Assert.That(curve.Select(p => p.Samples), Is.EqualTo(new[] { 20, 40, 60 }));
        }
    }

    [Test]
    public void Qadam_with_warm_up_and_cosine_trains_with_finite_losses()
    {
        var schedule = new LearningRateSchedule { Kind = ScheduleKind.Cosine, WarmupUpdates = 6, TotalUpdates = Small.Samples };
        var (result, curve) = CopyTaskExperiment.RunContract(Small, "online", new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = 0.003, Seed = 1 }, schedule, curveEvery: 20);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(double.IsFinite(result.FinalLoss) && double.IsFinite(result.InitialLoss), Is.True);
            Assert.That(curve, Has.Count.EqualTo(3));
            Assert.That(result.Saturations, Is.Zero);
        }
    }
}
