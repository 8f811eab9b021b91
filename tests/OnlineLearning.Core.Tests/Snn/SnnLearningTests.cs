using System.Diagnostics;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Tasks;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>
/// Online learning in fixed point with immediate updates (every step): a 2-layer LIF network (20 inputs → 128 → 64
/// spiking, CE on a leaky-integrated readout of 10 classes, leak 0.9, loss from step 12) on T-Randman (10 classes,
/// 20 units firing once each, 25 steps, 1-dimensional manifolds), 400 training sequences per epoch, tested on 200
/// fresh sequences; prediction is the arg-max of the integrated readout at the last step. Chance is 10%.
/// </summary>
/// <remarks>
/// The loss is summed over steps, so the per-step learning rate of immediate updates equals the per-sequence rate
/// of sequence-end updates (dividing it by the sequence length, as for a mean loss, leaves the net at chance).
/// </remarks>
public sealed class SnnLearningTests
{
    private static readonly Dictionary<(SnnRule, int, UpdateMode), double> Results = [];

    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Every_rule_learns_t_randman_10_classes_above_20_percent_in_2_epochs_with_immediate_updates(SnnRule rule) =>
        Learns(rule, 2, 0.20);

    [Category("Long")]
    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Every_rule_learns_t_randman_10_classes_above_30_percent_in_5_epochs_with_immediate_updates(SnnRule rule) =>
        Learns(rule, 5, 0.30);

    [Category("Long")]
    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Every_rule_learns_t_randman_above_20_percent_with_sequence_end_updates_in_3_epochs(SnnRule rule) =>
        Learns(rule, 3, 0.20, UpdateSchedule.SequenceEnd);

    /// <summary>The learning setup shared by the tests (also the float64 baseline's, in the reference tests).</summary>
    internal static (RandmanTask Task, SnnSpec Spec) Setup(double readoutLeak = 0.9, int warmup = 12)
    {
        var task = new RandmanTask(new RandmanOptions { Classes = 10, Units = 20, Steps = 25, ManifoldDim = 1, Seed = 11 });
        var spec = LearningModel(seed: 4, readoutLeak, warmup);
        return (task, spec);
    }

    // Layer 0: W ~ N(0.1, 1/20) so the sparse input drives it; layer 1: N(0, 4/128); a small readout (0.05/√64)
    // keeps the initial integrated logits near zero. Thresholds uniform in [0.3, 0.9].
    private static SnnSpec LearningModel(long seed, double readoutLeak, int warmup)
    {
        var random = new SpecRandom(seed);
        var layers = new List<SnnLayerSpec>();
        int fanIn = 20;
        foreach (var (size, gain, bias) in new[] { (128, 1.0, 0.1), (64, 2.0, 0.0) })
        {
            var w = random.Normal(size, fanIn, gain / Math.Sqrt(fanIn));
            foreach (var row in w)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] += bias;
                }
            }

            layers.Add(new SnnLayerSpec(size, w, [.. Enumerable.Range(0, size).Select(_ => random.Uniform(0.3, 0.9))]));
            fanIn = size;
        }

        return new SnnSpec
        {
            Neuron = NeuronKind.Lif,
            Loss = LossKind.CrossEntropy,
            Inputs = 20,
            Seed = (int)seed,
            Layers = layers,
            Warmup = warmup,
            ReadoutLeak = readoutLeak,
            Readout = new DenseSpec(10, random.Normal(10, fanIn, 0.05 / Math.Sqrt(fanIn))),
        };
    }

    private static void Learns(SnnRule rule, int epochs, double threshold, UpdateSchedule? schedule = null)
    {
        epochs = int.Parse(Environment.GetEnvironmentVariable("SNN_EPOCHS") ?? epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        var (task, spec) = Setup();
        var train = task.Sample(400, 1);
        var test = task.Sample(200, 2);
        var network = QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = rule,
            Schedule = schedule ?? UpdateSchedule.Immediate,
            Sgd = new SgdOptions { LearningRate = double.Parse(Environment.GetEnvironmentVariable("SNN_LR") ?? "0.01", System.Globalization.CultureInfo.InvariantCulture), Seed = 9 },
        });
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffle = new Random(5);
        var watch = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (epoch == epochs - 1 && Environment.GetEnvironmentVariable("SNN_DECAY") is { } decay)
            {
                network.ScaleLearningRate(double.Parse(decay, System.Globalization.CultureInfo.InvariantCulture));
            }

            shuffle.Shuffle(order);
            foreach (int i in order)
            {
                Run(network, train[i]);
            }
        }

        long trainMs = watch.ElapsedMilliseconds;
        int correct = test.Count(sample => Run(network, sample, learn: false) == sample.Label);
        double accuracy = correct / (double)test.Count;
        var mode = (schedule ?? UpdateSchedule.Immediate).Mode;
        Results[(rule, epochs, mode)] = accuracy;
        foreach (var (name, events) in network.Saturations().Where(s => s.Events > 0))
        {
            TestContext.Out.WriteLine($"  saturations {name}: {events}");
        }

        TestContext.Out.WriteLine($"{rule}, {mode}, {epochs} epochs of 400: test accuracy {accuracy:P1} on 200 (threshold {threshold:P0}, chance 10%), training {trainMs} ms");
        TestContext.Out.WriteLine("rule       | updates     | epochs | accuracy");
        foreach (var ((r, e, m), a) in Results)
        {
            TestContext.Out.WriteLine($"{r,-10} | {m,-11} | {e,6} | {a,8:P1}");
        }

        Assert.That(accuracy, Is.GreaterThanOrEqualTo(threshold), $"{rule}, fixed point, {mode} updates, T-Randman 10 classes");
    }

    private static int Run(QSnnNetwork network, LabelledSequence sample, bool learn = true)
    {
        var x = new short[sample.Input[0].Length];
        foreach (var row in sample.Input)
        {
            QSnnNetwork.QuantiseInput(row, x);
            if (learn)
            {
                network.Step(x, sample.Label);
            }
            else
            {
                network.Infer(x);
            }
        }

        int prediction = network.Predict();
        network.EndSequence();
        return prediction;
    }
}
