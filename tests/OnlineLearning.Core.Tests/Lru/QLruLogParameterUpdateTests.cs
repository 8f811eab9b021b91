using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>
/// The LRU's log parameters are int32-valued <see cref="QParameter"/>s updated by the shared <see cref="QSgd"/>:
/// an update of a quarter of a master LSB must not vanish; its mean over many steps matches the float update.
/// </summary>
public sealed class QLruLogParameterUpdateTests
{
    [Test]
    public void QuarterLsbUpdatesOfInt32ValuedParametersAccumulateToTheFloatUpdateWithin5Percent()
    {
        var plan = new ArenaPlan();
        var formats = new ParameterFormats(24, 24, 20);
        var p = new QParameter(plan, "nu_log", 1, 64, formats, ArenaElement.Int32);
        // lr · g = 2^-8 · 2^-18 = 2^-26 per step: a quarter of the Q24 master LSB.
        var sgd = new QSgd(plan, [p], new SgdOptions { LearningRate = 1.0 / 256, Seed = 5 });
        var arena = plan.Allocate();
        sgd.Initialise(arena);
        p.Load(arena, new double[64]);
        const int Steps = 4000;
        for (int s = 0; s < Steps; s++)
        {
            arena.Int32(p.Gradient).Fill(-(1 << 2));             // −2^-18 in Q20
            sgd.Apply(arena);
        }

        double expected = Steps * Math.ScaleB(1.0, -26);
        double mean = arena.Int32(p.Value).ToArray().Average(v => Math.ScaleB(v, -24));
        TestContext.Out.WriteLine($"{Steps} updates of 2^-26 (¼ LSB of Q24): mean applied {mean:E4}, float {expected:E4}, ratio {mean / expected:F4}");
        Assert.That(mean, Is.EqualTo(expected).Within(0.05 * expected));
        Assert.That(p.ValuesToDouble(arena).Average(), Is.EqualTo(mean).Within(1e-12), "int32 values follow the masters");
    }
}
