using System.Diagnostics;
using System.Globalization;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Tasks;
using OnlineLearning.Core.Training;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>
/// Online learning in fixed point with immediate updates (every step): a 2-layer LIF network (20 inputs → 128 → 64
/// spiking, CE on a leaky-integrated readout of 10 classes, leak 0.9, loss from step 12) on T-Randman (10 classes,
/// 20 units firing once each, 25 steps, 1-dimensional manifolds), 400 training sequences per epoch, tested on 200
/// fresh sequences; prediction is the arg-max of the integrated readout at the last step. Chance is 10%.
/// </summary>
/// <remarks>
/// Recipe: plain SGD at lr 0.01 per step (the loss is summed over steps, so this equals the per-sequence rate of
/// sequence-end updates), the last epoch at lr/4 (without it the test accuracy swings by ±10 points from one
/// epoch to the next), and the hidden layers' learning signal through the readout as of the sequence start
/// (<see cref="FeedbackReadout.SequenceStart"/>): through the live readout OSTL and the OTPE family diverge, in
/// float64 as in fixed point (<see cref="Live_readout_feedback_makes_ostl_diverge_with_immediate_updates"/>).
/// </remarks>
public sealed class SnnLearningTests
{
    private const double LearningRate = 0.01;
    private const double LastEpochRateScale = 0.25;
    private static readonly Dictionary<(SnnRule, int, UpdateMode), (double Fixed, double? Float)> Results = [];

    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Every_rule_learns_t_randman_10_classes_above_20_percent_in_3_epochs_with_immediate_updates(SnnRule rule) =>
        Learns(rule, 3, 0.20);

    [Category("Long")]
    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Every_rule_learns_t_randman_10_classes_above_35_percent_in_8_epochs_with_immediate_updates(SnnRule rule) =>
        Learns(rule, 8, 0.35, withFloat: true);

    [Category("Long")]
    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Every_rule_learns_t_randman_above_20_percent_with_sequence_end_updates_in_3_epochs(SnnRule rule) =>
        Learns(rule, 3, 0.20, UpdateSchedule.SequenceEnd);

    /// <summary>
    /// The failure the sequence-start feedback fixes: OSTL, immediate updates, learning signal through the live
    /// readout. After 2 epochs the loss per sequence has grown past its initial value (13 loss steps × ln 10 ≈ 30)
    /// and the accuracy stays below 15%.
    /// </summary>
    [Category("Long")]
    [Test]
    public void Live_readout_feedback_makes_ostl_diverge_with_immediate_updates()
    {
        var (accuracy, loss) = Train(SnnRule.Ostl, 2, UpdateSchedule.Immediate, FeedbackReadout.Live);
        TestContext.Out.WriteLine($"OSTL, immediate, live readout feedback, 2 epochs: test accuracy {accuracy:P1}, mean loss per training sequence in the last epoch {loss:F1}");
        Assert.That(loss, Is.GreaterThan(30));
        Assert.That(accuracy, Is.LessThan(0.15));
    }

    /// <summary>With sequence-end updates the readout copy equals the readout: the two feedback choices give the same bits.</summary>
    [Test]
    public void Sequence_start_feedback_is_bit_identical_to_live_feedback_with_sequence_end_updates()
    {
        var (task, spec) = Setup();
        var data = task.Sample(6, 3);
        var networks = new[] { FeedbackReadout.SequenceStart, FeedbackReadout.Live }.Select(f => QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = SnnRule.Otpe,
            Schedule = UpdateSchedule.SequenceEnd,
            Feedback = f,
            Sgd = new SgdOptions { LearningRate = LearningRate, Seed = 9 },
        })).ToArray();
        foreach (var network in networks)
        {
            foreach (var sample in data)
            {
                Run(network, sample);
            }
        }

        var a = networks[0].Parameters;
        var b = networks[1].Parameters;
        for (int p = 0; p < a.Count; p++)
        {
            Assert.That(networks[0].Arena.Int32(a[p].Master).ToArray(), Is.EqualTo(networks[1].Arena.Int32(b[p].Master).ToArray()), a[p].Name);
        }
    }

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
            layers.Add(SnnLayerSpec.Random(random, size, fanIn, gain, bias));
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

    private static void Learns(SnnRule rule, int epochs, double threshold, UpdateSchedule? schedule = null, bool withFloat = false)
    {
        var mode = (schedule ?? UpdateSchedule.Immediate).Mode;
        var watch = Stopwatch.StartNew();
        var (accuracy, _) = Train(rule, epochs, schedule ?? UpdateSchedule.Immediate, FeedbackReadout.SequenceStart);
        long trainMs = watch.ElapsedMilliseconds;
        double? floatAccuracy = withFloat ? TrainFloat(rule, epochs) : null;
        Results[(rule, epochs, mode)] = (accuracy, floatAccuracy);
        TestContext.Out.WriteLine($"{rule}, {mode}, {epochs} epochs of 400: fixed-point test accuracy {accuracy:P1} on 200 (threshold {threshold:P0}, chance 10%), {trainMs} ms");
        TestContext.Out.WriteLine("rule       | updates     | epochs | fixed point | float64");
        foreach (var ((r, e, m), (a, f)) in Results)
        {
            string floatText = f is double v ? v.ToString("P1", CultureInfo.InvariantCulture) : "-";
            TestContext.Out.WriteLine($"{r,-10} | {m,-11} | {e,6} | {a,11:P1} | {floatText,7}");
        }

        Assert.That(accuracy, Is.GreaterThanOrEqualTo(threshold), $"{rule}, fixed point, {mode} updates, T-Randman 10 classes");
    }

    /// <summary>Trains a fresh network; returns the test accuracy and the mean loss per sequence of the last epoch.</summary>
    private static (double Accuracy, double Loss) Train(SnnRule rule, int epochs, UpdateSchedule schedule, FeedbackReadout feedback)
    {
        var (task, spec) = Setup();
        var train = task.Sample(400, 1);
        var test = task.Sample(200, 2);
        var network = QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = rule,
            Schedule = schedule,
            Feedback = feedback,
            Sgd = new SgdOptions { LearningRate = LearningRate, Seed = 9 },
        });
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffle = new Random(5);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (epoch == epochs - 1 && schedule.Mode == UpdateMode.Immediate)
            {
                network.ScaleLearningRate(LastEpochRateScale);
            }

            shuffle.Shuffle(order);
            network.ResetLoss();
            foreach (int i in order)
            {
                Run(network, train[i]);
            }
        }

        double loss = network.Loss / train.Count;
        foreach (var (name, events) in network.Saturations().Where(s => s.Events > 0))
        {
            TestContext.Out.WriteLine($"  saturations {name}: {events}");
        }

        int correct = test.Count(sample => Run(network, sample, learn: false) == sample.Label);
        return (correct / (double)test.Count, loss);
    }

    // The same recipe in float64 (SnnImmediateTrainer): the fixed-point runs' reference point.
    private static double TrainFloat(SnnRule rule, int epochs)
    {
        var (task, spec) = Setup();
        var train = task.Sample(400, 1);
        var test = task.Sample(200, 2);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffle = new Random(5);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double lr = epoch == epochs - 1 ? LearningRate * LastEpochRateScale : LearningRate;
            shuffle.Shuffle(order);
            foreach (int i in order)
            {
                var sample = train[i];
                var target = sample.Input.Select(_ => Enumerable.Range(0, 10).Select(c => c == sample.Label ? 1.0 : 0.0).ToArray()).ToArray();
                SnnImmediateTrainer.TrainSequence(spec, sample.Input, target, rule, lr);
            }
        }

        return test.Count(s => SnnTrainer.Predict(spec, s.Input) == s.Label) / (double)test.Count;
    }

    private static int Run(QSnnNetwork network, LabelledSequence sample, bool learn = true)
    {
        var x = new short[sample.Input[0].Length];
        foreach (var row in sample.Input)
        {
            QSnnNetwork.QuantiseInput(row, x);
            if (learn)
            {
                network.StepLabel(x, sample.Label);
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
