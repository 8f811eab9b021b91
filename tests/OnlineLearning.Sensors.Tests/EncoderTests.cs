using OnlineLearning.Numerics;
using OnlineLearning.Sensors.Encoding;

namespace OnlineLearning.Sensors.Tests;

public sealed class EncoderTests
{
    private static readonly QFormat Q412 = new(QStorage.Int16, 12);

    [Test]
    public void DeltaSpikesOnChangesOfAtLeastTheThreshold()
    {
        var enc = new DeltaEncoder(new SpikeEncoderConfig(1, 10, Q412));
        Assert.That(enc.OutputChannels, Is.EqualTo(2));
        short[] outp = new short[2];
        short[] inputs = [0, 5, 10, 12, 0, -20];
        string[] expected = ["00", "00", "10", "00", "01", "01"];
        for (int i = 0; i < inputs.Length; i++)
        {
            enc.Encode([inputs[i]], outp);
            Assert.That($"{(outp[0] != 0 ? 1 : 0)}{(outp[1] != 0 ? 1 : 0)}", Is.EqualTo(expected[i]), $"step {i}");
        }

        Assert.That(outp[1], Is.EqualTo(4096), "a spike is 1.0 in Q3.12");
    }

    [Test]
    public void LevelCrossingStaysOnTheGridAndCountsMissedCrossings()
    {
        var enc = new LevelCrossingEncoder(new SpikeEncoderConfig(1, 10, Q412, SpikeValue: 1));
        short[] outp = new short[2];
        short[] inputs = [0, 9, 10, 19, 45, -1];
        string[] expected = ["00", "00", "10", "00", "10", "01"];
        for (int i = 0; i < inputs.Length; i++)
        {
            enc.Encode([inputs[i]], outp);
            Assert.That($"{outp[0]}{outp[1]}", Is.EqualTo(expected[i]), $"step {i}");
        }

        Assert.That(enc.MissedCrossings, Is.EqualTo(2 + 4));
    }

    [Test]
    public void RateCodingMatchesTheProbabilityAndIsReproducible()
    {
        var config = new RateEncoderConfig(3, 0, 1000, 12345, Q412, 1);
        var a = new RateEncoder(config);
        var b = new RateEncoder(config);
        short[] frame = [250, 1000, -5];
        int[] counts = new int[3];
        short[] oa = new short[3], ob = new short[3];
        for (int i = 0; i < 20_000; i++)
        {
            a.Encode(frame, oa);
            b.Encode(frame, ob);
            Assert.That(oa, Is.EqualTo(ob));
            for (int c = 0; c < 3; c++)
            {
                counts[c] += oa[c];
            }
        }

        Assert.That(counts[0] / 20_000.0, Is.EqualTo(0.25).Within(0.015));
        Assert.That(counts[1], Is.EqualTo(20_000));
        Assert.That(counts[2], Is.Zero);
        Assert.That(a.Saturations, Is.EqualTo(20_000), "the -5 input is below min");
    }

    [TestCase(1, 1)]
    [TestCase(-1, 0)]
    [TestCase(3, 2)]
    [TestCase(-3, -1)]
    [TestCase(2, 1)]
    public void DirectCurrentRoundsTiesTowardPlusInfinity(int x, int expected)
    {
        var enc = new DirectCurrentEncoder(new DirectCurrentConfig(1, new AffineMap(1, 0, 1, Q412)));
        short[] outp = new short[1];
        enc.Encode([(short)x], outp);
        Assert.That(outp[0], Is.EqualTo(expected));
    }

    [Test]
    public void DirectCurrentSaturatesAndCounts()
    {
        var enc = new DirectCurrentEncoder(new DirectCurrentConfig(2, new AffineMap(4, 0, 0, Q412)));
        short[] outp = new short[2];
        enc.Encode([10_000, -10_000], outp);
        Assert.That(outp, Is.EqualTo(new short[] { short.MaxValue, short.MinValue }));
        Assert.That(enc.Saturations, Is.EqualTo(2));
    }

    [Test]
    public void AffineFromGainMapsEcgCountsToMillivoltsInQ3_12()
    {
        // 200 counts per mV: gain 1/200 from Q15.0 counts to Q3.12 mV.
        AffineMap map = AffineMap.FromGain(1.0 / 200, 0, new QFormat(QStorage.Int16, 0), Q412);
        var enc = new DirectCurrentEncoder(new DirectCurrentConfig(1, map));
        short[] outp = new short[1];
        enc.Encode([300], outp);
        Assert.That(outp[0], Is.EqualTo((short)Math.Round(1.5 * 4096)));
        enc.Encode([-700], outp);
        Assert.That(outp[0], Is.EqualTo((short)Math.Round(-3.5 * 4096)));
    }

    [Test]
    public void LabelsBecomeOneHotOrRegressionTargets()
    {
        var oneHot = new LabelEncoder(new LabelEncoderConfig(LabelKind.OneHot, 3, QFormat.Q15));
        short[] t = new short[3];
        oneHot.Encode(2, t);
        Assert.That(t, Is.EqualTo(new short[] { 0, 0, short.MaxValue }));
        oneHot.Encode(7, t);
        Assert.That(t, Is.EqualTo(new short[3]));
        Assert.That(oneHot.Saturations, Is.EqualTo(1));

        var regression = new LabelEncoder(new LabelEncoderConfig(LabelKind.Regression, 0, Q412, new AffineMap(4096, 0, 2, Q412)));
        short[] r = new short[1];
        regression.Encode(3, r);
        Assert.That(r[0], Is.EqualTo(3 * 1024));
    }

    [Test]
    public void ValidationComparesWithTheModelInputCount()
    {
        var enc = new DeltaEncoder(new SpikeEncoderConfig(6, 10, Q412));
        Assert.DoesNotThrow(() => enc.ValidateFor(sourceChannels: 6, modelInputs: 12));
        Assert.That(() => enc.ValidateFor(6, 6), Throws.TypeOf<SensorConfigException>().With.Message.Contains("produces 12 inputs, the model expects 6"));
        Assert.That(() => enc.ValidateFor(1, 12), Throws.TypeOf<SensorConfigException>());
        Assert.Throws<SensorConfigException>(() => new RateEncoder(new RateEncoderConfig(1, 0, 10, 0, Q412)));
    }
}
