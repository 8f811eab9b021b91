using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Experiments;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Accuracy;

/// <summary>
/// <c>olrt train --task ecg</c> in reduced form: next-sample prediction on the cache's MIT-BIH ECG (360 Hz), an LRU
/// (lru-ecg preset) trained online in fixed point, scored on a later held-out segment against predicting the last value.
/// </summary>
[Category("Accuracy")]
[Category("Data")]
public sealed class EcgPredictionTests
{
    [Test]
    public void Ecg_lru_online_beats_the_last_value_predictor_error_ratio_below_1_after_120_s_of_mit_bih_tested_on_30_s()
    {
        if (!DataCache.IsPresent(DataSet.Ecg))
        {
            Assert.Ignore($"data set ecg is not in the cache: {DataCache.FetchCommand(DataSet.Ecg)}");
        }

        // The first 120 s of the first 80 % of the record for training, the first 30 s after the 80 % cut for testing.
        var series = EcgSeries.Split(DataCache.EcgMillivolts(), EcgDat.SampleRateHz, 0.8, trainSeconds: 120, testSeconds: 30);
        Assert.That(ModelPresets.TryGet("lru-ecg", out string json));
        var model = ModelDocument.Parse("lru-ecg", json);
        var network = NetworkFactory.Create(model.Spec, new NetworkOptions
        {
            Rule = "online",
            Schedule = UpdateSchedule.Immediate,
            Sgd = new SgdOptions { LearningRate = 0.005, Seed = 1 },
        });
        var result = EcgPrediction.Run(network, series, new EcgPredictionOptions());
        TestContext.Out.WriteLine($"ecg 120 s / 30 s: network {result.TestMse:0.000000} mV^2, naive {result.NaiveMse:0.000000} mV^2, ratio {result.Ratio:0.0000}");
        Assert.That(result.Steps, Is.EqualTo(120 * 360 - 1));
        Assert.That(result.NaiveMse, Is.GreaterThan(0));
        Assert.That(result.Ratio, Is.LessThan(1.0));
    }
}
