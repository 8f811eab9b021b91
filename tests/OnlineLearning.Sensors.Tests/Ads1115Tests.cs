using Iot.Device.Ads1115;
using OnlineLearning.Sensors.Simulation;

namespace OnlineLearning.Sensors.Tests;

public sealed class Ads1115Tests
{
    private static readonly RetryPolicy FastRetry = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(16), 4);

    private static short[] Ramp(int n) => Enumerable.Range(0, n).Select(i => (short)(i * 7 - 1000)).ToArray();

    [Test]
    public void PacedReadsDeliverEveryConversionOnce()
    {
        var clock = new ManualSensorClock();
        short[] samples = Ramp(2000);
        var chip = new SimulatedAds1115(clock, samples);
        using var source = new Ads1115Source(chip, new Ads1115Options { DataRate = DataRate.SPS860 }, clock);
        Span<short> frame = stackalloc short[1];
        for (int i = 0; i < 1000; i++)
        {
            Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
            Assert.That(frame[0], Is.EqualTo(samples[i]), $"frame {i}");
        }

        Assert.That(chip.ContinuousMode, Is.True);
        Assert.That((chip.Config >> 5) & 7, Is.EqualTo((int)DataRate.SPS860));
        Assert.That(chip.RepeatedReads, Is.Zero);
        Assert.That(source.Health.FramesLost, Is.Zero);
        Assert.That(source.SampleRateHz, Is.EqualTo(860));
    }

    [Test]
    public void UnpacedContinuousReadsRepeatSamples()
    {
        // Why the source paces: the chip only updates its conversion register at the data rate.
        var clock = new ManualSensorClock();
        var chip = new SimulatedAds1115(clock, Ramp(100));
        using var adc = new Ads1115(chip, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.Continuous);
        clock.Advance(clock.TicksPerSecond / 100);
        short a = adc.ReadRaw();
        short b = adc.ReadRaw();
        Assert.That(b, Is.EqualTo(a));
        Assert.That(chip.RepeatedReads, Is.EqualTo(1));
    }

    [Test]
    public void SampleRateAboveDataRateIsRejected()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedAds1115(clock, Ramp(10));
        var ex = Assert.Throws<SensorConfigException>(() =>
            new Ads1115Source(chip, new Ads1115Options { DataRate = DataRate.SPS128, SampleRateHz = 200 }, clock));
        Assert.That(ex!.Message, Does.Contain("128 SPS"));
    }

    [Test]
    public void AbsentChipIsAConfigError()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedAds1115(clock, Ramp(10)) { Present = false };
        Assert.Throws<SensorConfigException>(() => new Ads1115Source(chip, new Ads1115Options(), clock));
    }

    [Test]
    public void NackIsRetriedCountedAndRecovered()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedAds1115(clock, Ramp(5000));
        using var source = new Ads1115Source(chip, new Ads1115Options(), clock, FastRetry);
        Span<short> frame = stackalloc short[1];
        for (int i = 0; i < 10; i++)
        {
            source.Read(frame);
        }

        chip.NackNextTransfers = 2;
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(source.Health.Faults, Is.GreaterThanOrEqualTo(1));
        Assert.That(source.Health.Retries, Is.GreaterThanOrEqualTo(1));
        Assert.That(source.Health.Recoveries, Is.EqualTo(1));
        Assert.That(source.Health.LastFault, Does.Contain("NACK"));
        Assert.That(chip.ContinuousMode, Is.True);
        // The backoff took time during which the chip kept converting: those frames are counted as lost.
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(source.Health.FramesLost, Is.GreaterThan(0));
    }

    [Test]
    public void ChipThatDisappearsReportsFaultsThenResumesReconfigured()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedAds1115(clock, Ramp(50_000));
        using var source = new Ads1115Source(chip, new Ads1115Options(), clock, FastRetry);
        Span<short> frame = stackalloc short[1];
        source.Read(frame);
        chip.Present = false;
        for (int i = 0; i < 3; i++)
        {
            Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Fault));
        }

        Assert.That(source.IsFaulted, Is.True);
        chip.Present = true; // power-on reset: single-shot mode, stale conversion register
        Assert.That(chip.ContinuousMode, Is.False);
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(chip.ContinuousMode, Is.True, "recovery rewrites the config register");
        Assert.That(source.Health.Recoveries, Is.EqualTo(1));
        Assert.That(source.Health.Faults, Is.GreaterThanOrEqualTo(12));
        short before = frame[0];
        source.Read(frame);
        Assert.That(frame[0], Is.Not.EqualTo(before));
    }

    [Test]
    public void StuckConverterIsDetected()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedAds1115(clock, Ramp(50_000));
        using var source = new Ads1115Source(chip, new Ads1115Options { StuckLimit = 20 }, clock, FastRetry);
        Span<short> frame = stackalloc short[1];
        chip.StuckValue = 123;
        for (int i = 0; i < 25; i++)
        {
            source.Read(frame);
        }

        Assert.That(source.Health.LastFault, Does.Contain("stuck"));
        chip.StuckValue = null;
        source.Read(frame);
        Assert.That(frame[0], Is.Not.EqualTo((short)123));
    }

    [Test]
    public void BundledEcgRunsThroughTheAds1115Pipeline()
    {
        var clock = new ManualSensorClock();
        Recording ecg = BundledRecordings.MitBihEcgRecording();
        using Ads1115Source source = BundledPipeline.EcgThroughAds1115(clock);
        Assert.That(source.SampleRateHz, Is.EqualTo(360));
        Span<short> frame = stackalloc short[1];
        for (int i = 0; i < 2000; i++)
        {
            Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
            Assert.That(frame[0], Is.EqualTo(ecg.Frame(i)[0]), $"frame {i}");
        }

        Assert.That(source.Describe(), Does.Contain("ads1115"));
    }
}
