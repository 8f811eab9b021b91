using System.Diagnostics;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>Probe (temporary).</summary>
public sealed class SnnFloatImmediateProbe
{
    [Explicit]
    [Test]
    public void Probes()
    {
        foreach (var c in (Environment.GetEnvironmentVariable("PROBES") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = c.Split(':');
            Probe(Enum.Parse<SnnRule>(f[0]), double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void Probe(SnnRule rule, double lr, double ro, double last, double clip, int epochs)
    {
        var (task, spec) = SnnLearningTests.Setup(double.Parse(Environment.GetEnvironmentVariable("LEAK") ?? "0.9", System.Globalization.CultureInfo.InvariantCulture), int.Parse(Environment.GetEnvironmentVariable("WARMUP") ?? "12", System.Globalization.CultureInfo.InvariantCulture));
        TestContext.Out.WriteLine($"leak {spec.ReadoutLeak}");
        var train = task.Sample(400, 1);
        var test = task.Sample(200, 2);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffle = new Random(5);
        var watch = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            shuffle.Shuffle(order);
            double loss = 0;
            foreach (int i in order)
            {
                var s = train[i];
                var target = s.Input.Select(_ => Enumerable.Range(0, 10).Select(c => c == s.Label ? 1.0 : 0.0).ToArray()).ToArray();
                loss += clip < 0 ? SnnTrainer.TrainSequence(spec, s.Input, target, rule, lr) : SnnImmediateTrainer.TrainSequence(spec, s.Input, target, rule, lr, true, ro > 0);
            }

            var runs = test.Take(20).Select(s => SnnReference.Forward(spec, s.Input)).ToArray();
            string rates = string.Join(" ", Enumerable.Range(0, spec.Layers.Count).Select(l => (runs.Average(r => r.SpikeCount(l)) / 25 / spec.Layers[l].Size).ToString("F3")));
            string norms = string.Join(" ", spec.Layers.Select(l => Math.Sqrt(l.W.Sum(r => r.Sum(v => v * v))).ToString("F2"))) + " out " + Math.Sqrt(spec.Readout!.W.Sum(r => r.Sum(v => v * v))).ToString("F2");
            TestContext.Out.WriteLine($"   rates {rates} norms {norms}");
            int correct = test.Count(s => SnnTrainer.Predict(spec, s.Input) == s.Label);
            TestContext.Out.WriteLine($"{rule} lr {lr} ro {ro} last {last} clip {clip} epoch {epoch}: loss {loss / train.Count:F2}, test {correct / 200.0:P1}, {watch.ElapsedMilliseconds} ms");
        }
    }
}
