using System.Diagnostics;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>Probe (temporary).</summary>
public sealed class SnnFloatImmediateProbe
{
    [Explicit]
    [TestCase(SnnRule.Ottt, 0.01)]
    [TestCase(SnnRule.Ostl, 0.01)]
    [TestCase(SnnRule.Otpe, 0.01)]
    [TestCase(SnnRule.ApproxOtpe, 0.01)]
    [TestCase(SnnRule.FOtpe, 0.01)]
    public void Probe(SnnRule rule, double lr)
    {
        var (task, spec) = SnnLearningTests.Setup();
        var train = task.Sample(400, 1);
        var test = task.Sample(200, 2);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffle = new Random(5);
        var watch = Stopwatch.StartNew();
        for (int epoch = 0; epoch < 5; epoch++)
        {
            shuffle.Shuffle(order);
            double loss = 0;
            foreach (int i in order)
            {
                var s = train[i];
                var target = s.Input.Select(_ => Enumerable.Range(0, 10).Select(c => c == s.Label ? 1.0 : 0.0).ToArray()).ToArray();
                loss += SnnImmediateTrainer.TrainSequence(spec, s.Input, target, rule, lr);
            }

            int correct = test.Count(s => SnnTrainer.Predict(spec, s.Input) == s.Label);
            TestContext.Out.WriteLine($"{rule} epoch {epoch}: loss {loss / train.Count:F2}, test {correct / 200.0:P1}, {watch.ElapsedMilliseconds} ms");
        }
    }
}
