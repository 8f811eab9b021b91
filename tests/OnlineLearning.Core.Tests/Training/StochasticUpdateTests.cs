using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Training;

/// <summary>Small updates must not vanish: the mean applied update equals the float update lr · g.</summary>
public sealed class StochasticUpdateTests
{
    [TestCase(1e-4, 3)]
    [TestCase(3e-3, -7)]
    [TestCase(0.05, 1)]
    public void Mean_applied_update_matches_the_float_update_within_2_percent(double lr, int gradientLsb)
    {
        var plan = new ArenaPlan();
        var p = new QParameter(plan, "w", 64, 16, ParameterFormats.Default);
        var sgd = new QSgd(plan, [p], new SgdOptions { LearningRate = lr, Seed = 5 });
        var arena = plan.Allocate();
        sgd.Initialise(arena);
        const int steps = 200;
        for (int s = 0; s < steps; s++)
        {
            arena.Int32(p.Gradient).Fill(gradientLsb);
            sgd.Apply(arena);
        }

        // Expected per step, in master LSBs: lr · g · 2^(master − gradient frac bits), far below one LSB for small lr.
        double expected = -lr * gradientLsb * Math.ScaleB(1.0, p.Formats.MasterFracBits - p.Formats.GradientFracBits);
        double mean = arena.Int32(p.Master).ToArray().Average() / steps;
        TestContext.Out.WriteLine($"lr {lr}, g {gradientLsb} LSB: float update {expected:E4} master LSB/step, mean applied {mean:E4} ({(mean / expected) - 1:P3} off)");
        Assert.That(mean, Is.EqualTo(expected).Within(2).Percent);
    }

    [Test]
    public void Momentum_accumulates_velocity()
    {
        var plan = new ArenaPlan();
        var p = new QParameter(plan, "w", 1, 16, ParameterFormats.Default, momentum: true);
        var sgd = new QSgd(plan, [p], new SgdOptions { LearningRate = 0.5, Momentum = 0.5 });
        var arena = plan.Allocate();
        sgd.Initialise(arena);
        for (int s = 0; s < 20; s++)
        {
            arena.Int32(p.Gradient).Fill(1 << 20);   // g = 1.0
            sgd.Apply(arena);
        }

        // Velocity tends to g / (1 − μ) = 2: after 20 steps the master moved ≈ 0.5 · (2 · 20 − 2) = 19.
        double moved = -arena.Int32(p.Master)[0] * Math.ScaleB(1.0, -24);
        Assert.That(moved, Is.EqualTo(19).Within(0.01));
    }
}
