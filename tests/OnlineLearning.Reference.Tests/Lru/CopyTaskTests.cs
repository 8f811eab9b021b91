using OnlineLearning.Core.Tasks;

namespace OnlineLearning.Reference.Tests.Lru;

/// <summary>The copy-task generator (seed 004 B.1).</summary>
public class CopyTaskTests
{
    [Test]
    public void Sample_HasTheDocumentedLayout_AndRecallEqualsPattern()
    {
        var task = new CopyTask(new CopyTaskOptions());
        Assert.That((task.Inputs, task.Outputs, task.Steps, task.RecallStart), Is.EqualTo((8, 7, 47, 27)), "defaults: 7 bits, 20 steps, delay 7");
        var samples = task.Sample(5, 42);
        Assert.That(samples, Has.Count.EqualTo(5));
        int ones = 0;
        foreach (var (input, target) in samples)
        {
            Assert.That(input, Has.Length.EqualTo(task.Steps));
            Assert.That(target, Has.Length.EqualTo(task.Steps));
            Assert.That(input.All(r => r.Length == task.Inputs) && target.All(r => r.Length == task.Outputs), Is.True, "row widths");
            for (int t = 0; t < task.Steps; t++)
            {
                bool recall = t >= task.RecallStart;
                Assert.That(task.Mask[t], Is.EqualTo(recall), $"mask at {t}");
                Assert.That(input[t][7], Is.EqualTo(recall ? 1 : 0), $"marker at {t}");
                if (recall)
                {
                    Assert.That(target[t], Is.EqualTo(input[t - task.RecallStart].Take(7).ToArray()), $"recall step {t} repeats pattern step {t - task.RecallStart}");
                    Assert.That(input[t].Take(7), Is.All.EqualTo(0), "no pattern during the recall");
                }
                else
                {
                    Assert.That(target[t], Is.All.EqualTo(0), $"zero target at {t}");
                }

                if (t >= 20 && t < 27)
                {
                    Assert.That(input[t], Is.All.EqualTo(0), $"silent delay at {t}");
                }
            }

            ones += input.Take(20).Sum(r => (int)r.Take(7).Sum());
        }

        // 5 x 20 x 7 = 700 fair bits: the count of ones lies within ±5 standard deviations (√175 ≈ 13) of 350.
        Assert.That(ones, Is.InRange(285, 415));
    }

    [Test]
    public void Sample_IsDeterministicInTheSeed()
    {
        var task = new CopyTask(new CopyTaskOptions { Bits = 3, PatternLength = 5, Delay = 0 });
        var a = task.Sample(3, 9);
        var b = task.Sample(3, 9);
        var c = task.Sample(3, 10);
        Assert.That(a.Select(s => s.Input), Is.EqualTo(b.Select(s => s.Input)));
        Assert.That(a.Select(s => s.Input), Is.Not.EqualTo(c.Select(s => s.Input)));
        Assert.That(task.Steps, Is.EqualTo(10));
    }

    [Test]
    public void Options_OutOfRange_Throw()
    {
        Assert.Throws<ArgumentException>(() => _ = new CopyTask(new CopyTaskOptions { Bits = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new CopyTask(new CopyTaskOptions { PatternLength = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new CopyTask(new CopyTaskOptions { Delay = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopyTask(new CopyTaskOptions()).Sample(-1, 1));
    }
}
