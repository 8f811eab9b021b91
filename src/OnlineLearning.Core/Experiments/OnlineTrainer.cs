using System.Diagnostics;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Experiments;

/// <summary>What one sequence of training or evaluation gave: summed loss, correct and counted predictions.</summary>
public readonly record struct SequenceOutcome(double Loss, int Correct, int Counted);

/// <summary>Something that learns sequences one at a time: the fixed-point network contract, or a float64 reference.</summary>
public interface ISequenceLearner
{
    /// <summary>"q" (fixed point) or "f64".</summary>
    string Precision { get; }

    /// <summary>Trains on sample i of the set (online, one step at a time, or per sequence for BPTT).</summary>
    SequenceOutcome Train(SequenceSet set, int sample, int epoch);

    /// <summary>Predicts sample i without learning.</summary>
    SequenceOutcome Test(SequenceSet set, int sample);

    /// <summary>Sets the learning rate to its configured value times factor (host side, between sequences).</summary>
    void SetLearningRateFactor(double factor);
}

/// <summary>One point of a learning curve: after an epoch (or part of one), train and test figures.</summary>
public sealed record CurvePoint(int Epoch, long Samples, double TrainLoss, double TrainAccuracy, double TestAccuracy, double TestLoss, double Seconds, double SamplesPerSecond);

/// <summary>A snapshot for a progress display, reported every few samples.</summary>
public readonly record struct TrainProgress(int Epoch, int Epochs, int Sample, int Samples, double RunningLoss, double RunningAccuracy, double SamplesPerSecond, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>How <see cref="OnlineTrainer"/> runs: epochs, the data order, the rate schedule.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 1;

    /// <summary>Seed of the per-epoch shuffle of the training order.</summary>
    public int ShuffleSeed { get; init; } = 5;

    /// <summary>Learning-rate factor per training sequence (null: constant 1).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Test after every epoch (else only after the last).</summary>
    public bool TestEveryEpoch { get; init; } = true;

    /// <summary>Progress reports are made every this many samples.</summary>
    public int ProgressEvery { get; init; } = 50;

    /// <summary>
    /// Host-side measurement between training sequences (olrt train --cosine-every): called with the number of
    /// samples trained so far before the first, after every <see cref="ProbeEvery"/>-th and after the last. Null: none.
    /// </summary>
    public Action<long>? Probe { get; init; }

    /// <summary>Samples between <see cref="Probe"/> calls.</summary>
    public int ProbeEvery { get; init; } = 100;
}

/// <summary>
/// The training loop every front end shares (<c>olrt train</c>, the accuracy tests, the report): epochs of shuffled
/// sequences through a learner, held-out evaluation, and the learning curve.
/// </summary>
public static class OnlineTrainer
{
    public static IReadOnlyList<CurvePoint> Run(ISequenceLearner learner, SequenceSet train, SequenceSet test, TrainerOptions options, Action<TrainProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Probe is not null && options.ProbeEvery < 1)
        {
            throw new ArgumentException($"ProbeEvery must be at least 1, not {options.ProbeEvery}", nameof(options));
        }

        var curve = new List<CurvePoint>();
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffle = new Random(options.ShuffleSeed);
        var clock = Stopwatch.StartNew();
        long seen = 0;
        long total = (long)train.Count * options.Epochs;
        options.Probe?.Invoke(0);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            shuffle.Shuffle(order);
            double loss = 0;
            long correct = 0, counted = 0;
            var epochClock = Stopwatch.StartNew();
            for (int k = 0; k < order.Length; k++)
            {
                if (options.Schedule is { } schedule)
                {
                    learner.SetLearningRateFactor(schedule.Factor(seen));
                }

                var outcome = learner.Train(train, order[k], epoch);
                loss += outcome.Loss;
                correct += outcome.Correct;
                counted += outcome.Counted;
                seen++;
                if (options.Probe is not null && (seen % options.ProbeEvery == 0 || seen == total))
                {
                    options.Probe(seen);
                }

                if (progress is not null && ((k + 1) % options.ProgressEvery == 0 || k == order.Length - 1))
                {
                    double rate = seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    progress(new TrainProgress(epoch + 1, options.Epochs, k + 1, order.Length, loss / (k + 1),
                        counted == 0 ? double.NaN : correct / (double)counted, rate, clock.Elapsed, TimeSpan.FromSeconds((total - seen) / Math.Max(rate, 1e-9))));
                }
            }

            double seconds = epochClock.Elapsed.TotalSeconds;
            var (testAccuracy, testLoss) = options.TestEveryEpoch || epoch == options.Epochs - 1 ? Evaluate(learner, test) : (double.NaN, double.NaN);
            curve.Add(new CurvePoint(epoch + 1, seen, loss / Math.Max(1, order.Length), counted == 0 ? double.NaN : correct / (double)counted,
                testAccuracy, testLoss, seconds, order.Length / Math.Max(seconds, 1e-9)));
        }

        return curve;
    }

    /// <summary>Accuracy (correct over counted predictions) and mean loss per sequence on a held-out set.</summary>
    public static (double Accuracy, double Loss) Evaluate(ISequenceLearner learner, SequenceSet test)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(test);
        long correct = 0, counted = 0;
        double loss = 0;
        for (int i = 0; i < test.Count; i++)
        {
            var outcome = learner.Test(test, i);
            correct += outcome.Correct;
            counted += outcome.Counted;
            loss += outcome.Loss;
        }

        return (counted == 0 ? double.NaN : correct / (double)counted, loss / Math.Max(1, test.Count));
    }
}

/// <summary>
/// The fixed-point learner: every step goes through <see cref="IOnlineNetwork.StepLabel"/> (online, the update
/// when the network's schedule says), inputs quantised to the network's input format; a sequence-labelled sample is
/// predicted by <see cref="IOnlineNetwork.Predict"/> after its last step, a step-labelled one by the arg-max of
/// <see cref="IOnlineNetwork.Output"/> at every step.
/// </summary>
public sealed class NetworkLearner : ISequenceLearner
{
    private readonly IOnlineNetwork _network;
    private readonly double[] _row;
    private readonly short[] _input;
    private readonly double _lossScale;

    public NetworkLearner(IOnlineNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _row = new double[network.Inputs];
        _input = new short[network.Inputs];
        _lossScale = Math.ScaleB(1.0, -network.LossFormat.FracBits);
    }

    public IOnlineNetwork Network => _network;

    public string Precision => "q";

    public void SetLearningRateFactor(double factor) => _network.SetLearningRateFactor(factor);

    public SequenceOutcome Train(SequenceSet set, int sample, int epoch)
    {
        ArgumentNullException.ThrowIfNull(set);
        long loss = 0;
        int correct = 0, counted = 0;
        int length = set.Length(sample);
        for (int t = 0; t < length; t++)
        {
            set.Fill(sample, t, epoch, _row);
            Quantise(_row, _input, _network.InputFormat.FracBits);
            int label = set.Label(sample, t);
            loss += _network.StepLabel(_input, label);
            if (set.PerStepLabels)
            {
                correct += ArgMax(_network.Output) == label ? 1 : 0;
                counted++;
            }
        }

        if (!set.PerStepLabels)
        {
            correct = _network.Predict() == set.Label(sample, 0) ? 1 : 0;
            counted = 1;
        }

        _network.EndSequence();
        return new SequenceOutcome(loss * _lossScale, correct, counted);
    }

    public SequenceOutcome Test(SequenceSet set, int sample)
    {
        ArgumentNullException.ThrowIfNull(set);
        int correct = 0, counted = 0;
        int length = set.Length(sample);
        for (int t = 0; t < length; t++)
        {
            set.Fill(sample, t, -1, _row);
            Quantise(_row, _input, _network.InputFormat.FracBits);
            _network.Infer(_input);
            if (set.PerStepLabels)
            {
                correct += ArgMax(_network.Output) == set.Label(sample, t) ? 1 : 0;
                counted++;
            }
        }

        if (!set.PerStepLabels)
        {
            correct = _network.Predict() == set.Label(sample, 0) ? 1 : 0;
            counted = 1;
        }

        _network.ResetState();
        return new SequenceOutcome(0, correct, counted);
    }

    /// <summary>Rounds real inputs to int16 with <paramref name="fracBits"/> fractional bits, saturating (host side).</summary>
    public static void Quantise(ReadOnlySpan<double> x, Span<short> dst, int fracBits)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dst[i] = (short)QFormat.Quantize(x[i], fracBits, short.MinValue, short.MaxValue);
        }
    }

    private static int ArgMax(ReadOnlySpan<int> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
