using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

/// <summary>
/// The real data sets, read from the cache that tools/data/fetch.sh fills ($OLRT_DATA or ~/.cache/olrt-data).
/// Category Data: tools/test.sh runs them after the fetch; a missing set fails with the command that fetches it.
/// </summary>
[Category("Data")]
public sealed class RealDataTests
{
    [Test]
    public void Fashion_mnist_has_60000_training_and_10000_test_images_of_ten_classes()
    {
        (LabelledRows train, LabelledRows test) = DataCache.FashionMnist();
        Assert.Multiple(() =>
        {
            Assert.That(train.Count, Is.EqualTo(60_000));
            Assert.That(test.Count, Is.EqualTo(10_000));
            Assert.That(train.Width, Is.EqualTo(784));
            Assert.That(train.Labels.CountBy(static l => l).Select(static p => p.Value), Is.All.EqualTo(6_000));
            Assert.That(test.Labels.CountBy(static l => l).Select(static p => p.Value), Is.All.EqualTo(1_000));
            Assert.That(train.Features[0].Max(), Is.EqualTo(1.0).Within(1e-12).Or.LessThan(1.0));
        });
    }

    [Test]
    public void Mnist_json_has_10000_digits_of_784_pixels()
    {
        LabelledRows digits = DataCache.Mnist();
        Assert.Multiple(() =>
        {
            Assert.That(digits.Count, Is.EqualTo(10_000));
            Assert.That(digits.Width, Is.EqualTo(784));
            Assert.That(digits.Classes, Is.EqualTo(10));
            Assert.That(digits.Labels.Count(static l => l == 1), Is.EqualTo(1_127)); // 1.json holds 883,568 values
        });
    }

    [Test]
    public void Digits_has_1797_images_of_8x8_and_ten_classes()
    {
        LabelledRows digits = DataCache.Digits();
        Assert.Multiple(() =>
        {
            Assert.That(digits.Count, Is.EqualTo(1_797));
            Assert.That(digits.Width, Is.EqualTo(64));
            Assert.That(digits.Classes, Is.EqualTo(10));
            Assert.That(digits.Features.SelectMany(static r => r).Max(), Is.EqualTo(1.0));
        });
    }

    [Test]
    public void Ecg_is_5_minutes_at_360_hz_in_a_plausible_millivolt_range()
    {
        double[] mv = DataCache.EcgMillivolts();
        Assert.Multiple(() =>
        {
            Assert.That(mv, Has.Length.EqualTo(108_000));
            Assert.That(mv.Length / EcgDat.SampleRateHz, Is.EqualTo(300));
            Assert.That(mv.Average(), Is.InRange(-1.0, 1.0));
            Assert.That(mv.Max() - mv.Min(), Is.InRange(1.0, 10.0));
        });
    }

    [Test]
    public void Baby_ecg_has_2048_heart_rates_each_with_a_sleep_state()
    {
        BabyEcgSeries baby = DataCache.BabyEcg();
        Assert.Multiple(() =>
        {
            Assert.That(baby.HeartRate, Has.Length.EqualTo(2_048));
            Assert.That(baby.SleepState, Has.Length.EqualTo(2_048));
            Assert.That(baby.HeartRate.All(static bpm => bpm is > 50 and < 250), Is.True);
            Assert.That(baby.SleepState.Distinct().Order(), Is.SubsetOf(new[] { 1, 2, 3, 4 }));
            Assert.That(baby.SleepState.Distinct().Count(), Is.GreaterThan(1));
        });
    }
}
