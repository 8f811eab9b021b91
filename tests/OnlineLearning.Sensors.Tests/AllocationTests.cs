using System.Device.Gpio;
using OnlineLearning.Numerics;
using OnlineLearning.Sensors.Encoding;
using OnlineLearning.Sensors.Simulation;

namespace OnlineLearning.Sensors.Tests;

/// <summary>Ladder step 6 for sensors: after warm-up, 10,000 frames of every source and encoder allocate 0 bytes.</summary>
public sealed class AllocationTests
{
    private const int Frames = 10_000;

    private static long Measure(ISensorSource source)
    {
        short[] frame = new short[source.Channels];
        // Warm-up: one full pass first. Under the JIT, tiered PGO's instrumented tier allocates its probe tables
        // (24 bytes, once, seen on the ADS1115 path) partway into the first thousands of calls; with
        // DOTNET_TieredPGO=0 the first pass is already 0 bytes. NativeAOT has no such tier.
        for (int i = 0; i < Frames; i++)
        {
            Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Frames; i++)
        {
            if (source.Read(frame) != SensorReadResult.Ok)
            {
                Assert.Fail($"read {i} failed: {source.Health}");
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void Ads1115SourceAllocatesNothing()
    {
        var clock = new ManualSensorClock();
        using Ads1115Source source = BundledPipeline.EcgThroughAds1115(clock);
        Assert.That(Measure(source), Is.Zero);
    }

    [TestCase(Mpu6050ReadMode.Fifo)]
    [TestCase(Mpu6050ReadMode.Burst)]
    public void Mpu6050SourceAllocatesNothing(Mpu6050ReadMode mode)
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock) { RecordWrites = false };
        using var source = new Mpu6050Source(chip, new Mpu6050Options { Mode = mode }, clock);
        Assert.That(Measure(source), Is.Zero);
        Assert.That(source.Health.Faults, Is.Zero);
    }

    [Test]
    public void IioSourceAllocatesNothing()
    {
        string root = Directory.CreateTempSubdirectory("iio").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "iio:device0"));
            File.WriteAllText(Path.Combine(root, "iio:device0", "in_voltage0_raw"), "1234\n");
            var clock = new ManualSensorClock();
            using var source = new IioSource(new IioOptions { Root = root, Channels = ["in_voltage0"], SampleRateHz = 1000 }, clock);
            Assert.That(Measure(source), Is.Zero);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReplaySourceAllocatesNothing(bool realTime)
    {
        var clock = new ManualSensorClock();
        using var source = new ReplaySource(BundledRecordings.MitBihEcgRecording(), new ReplayOptions { RealTime = realTime, Loop = true }, clock);
        Assert.That(Measure(source), Is.Zero);
    }

    [Test]
    public void GpioLabelAllocatesNothing()
    {
        using var controller = new GpioController(new SimulatedGpioDriver());
        using var label = new GpioLabelSource(controller, 4);
        int sum = 0;
        for (int i = 0; i < 200; i++)
        {
            sum += label.Read();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Frames; i++)
        {
            sum += label.Read();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(sum, Is.Zero);
    }

    public static IEnumerable<TestCaseData> Encoders()
    {
        var q = new QFormat(QStorage.Int16, 12);
        yield return new TestCaseData(new DeltaEncoder(new SpikeEncoderConfig(6, 5, q))).SetArgDisplayNames("delta");
        yield return new TestCaseData(new LevelCrossingEncoder(new SpikeEncoderConfig(6, 5, q))).SetArgDisplayNames("level-crossing");
        yield return new TestCaseData(new RateEncoder(new RateEncoderConfig(6, -1000, 1000, 7, q))).SetArgDisplayNames("rate");
        yield return new TestCaseData(new DirectCurrentEncoder(new DirectCurrentConfig(6, AffineMap.FromGain(0.01, 0.5, new QFormat(QStorage.Int16, 0), q)))).SetArgDisplayNames("direct");
    }

    [TestCaseSource(nameof(Encoders))]
    public void EncoderAllocatesNothing(IFrameEncoder encoder)
    {
        short[] frame = new short[6];
        short[] output = new short[encoder.OutputChannels];
        void Run(int n)
        {
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < frame.Length; c++)
                {
                    frame[c] = (short)((i * (c + 3) % 2000) - 1000);
                }

                encoder.Encode(frame, output);
            }
        }

        Run(200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(Frames);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void LabelEncoderAllocatesNothing()
    {
        var enc = new LabelEncoder(new LabelEncoderConfig(LabelKind.OneHot, 5, QFormat.Q15));
        short[] target = new short[5];
        enc.Encode(1, target);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Frames; i++)
        {
            enc.Encode((short)(i % 5), target);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void ProbeNoticesAnAllocation()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new short[64]);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.GreaterThan(0));
    }
}
