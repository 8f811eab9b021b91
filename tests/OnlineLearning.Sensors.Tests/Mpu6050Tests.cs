namespace OnlineLearning.Sensors.Tests;

public sealed class Mpu6050Tests
{
    private static readonly RetryPolicy FastRetry = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(16), 4);

    private static void AssertSample(ReadOnlySpan<short> frame, long n)
    {
        Assert.That(frame[0], Is.EqualTo(SimulatedMpu6050.Sample(n, 0)), $"ax of sample {n}");
        Assert.That(frame[2], Is.EqualTo(SimulatedMpu6050.Sample(n, 2)));
        Assert.That(frame[3], Is.EqualTo(SimulatedMpu6050.Sample(n, 4)));
        Assert.That(frame[5], Is.EqualTo(SimulatedMpu6050.Sample(n, 6)));
    }

    [Test]
    public void FifoSetUpWritesTheEnableBitAndBandwidthBeforeRange()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock);
        using var source = new Mpu6050Source(chip, new Mpu6050Options
        {
            GyroscopeRange = Iot.Device.Imu.GyroscopeRange.Range0500Dps,
            AccelerometerRange = Iot.Device.Imu.AccelerometerRange.Range04G,
        }, clock);
        Assert.That(chip.Register(0x6A) & 0x40, Is.EqualTo(0x40), "USER_CTRL FIFO_EN");
        Assert.That(chip.Register(0x23), Is.EqualTo(0x78), "FIFO_EN: accel and gyro x, y, z");
        Assert.That(chip.Register(0x1A), Is.EqualTo(3), "CONFIG DLPF for 41 Hz");
        Assert.That(chip.Register(0x1B), Is.EqualTo(1 << 3), "GYRO_CONFIG ±500 dps");
        Assert.That(chip.Register(0x1C), Is.EqualTo(1 << 3), "ACCEL_CONFIG ±4 g");
        Assert.That(chip.Register(0x19), Is.EqualTo(9));
        Assert.That(chip.Writes.Any(w => w.Register == 0x1D), Is.True, "the driver writes register 0x1D");
        int lastBandwidth = chip.Writes.ToList().FindLastIndex(w => w.Register == 0x1A);
        int lastRange = chip.Writes.ToList().FindLastIndex(w => w.Register == 0x1B && w.Value == (1 << 3));
        Assert.That(lastBandwidth, Is.LessThan(lastRange), "bandwidth is set while the range is still ±250 dps");
        Assert.That(source.SampleRateHz, Is.EqualTo(100));

        Span<short> frame = stackalloc short[6];
        for (int n = 0; n < 200; n++)
        {
            Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
            AssertSample(frame, n);
        }

        Assert.That(source.Health.Faults, Is.Zero);
    }

    [Test]
    public void WrongWhoAmIIsAConfigError()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock) { WhoAmI = 0x70 };
        var ex = Assert.Throws<SensorConfigException>(() => new Mpu6050Source(chip, new Mpu6050Options(), clock));
        Assert.That(ex!.Message, Does.Contain("0x70"));
    }

    [Test]
    public void FifoOverflowIsReportedCountedAndResumed()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock);
        using var source = new Mpu6050Source(chip, new Mpu6050Options(), clock, FastRetry);
        Span<short> frame = stackalloc short[6];
        source.Read(frame);
        clock.AdvanceSeconds(5); // 500 samples, 6000 bytes: far past 1024
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(source.Health.Faults, Is.EqualTo(1));
        Assert.That(source.Health.LastFault, Does.Contain("overflow"));
        Assert.That(source.Health.FramesLost, Is.GreaterThanOrEqualTo(85));
        long ax = frame[0];
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(frame[0], Is.EqualTo(ax + 1), "aligned again after the reset");
    }

    [Test]
    public void StuckFifoIsDetectedAndTheChipReinitialised()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock);
        using var source = new Mpu6050Source(chip, new Mpu6050Options(), clock, FastRetry);
        Span<short> frame = stackalloc short[6];
        source.Read(frame);
        chip.FifoStuck = true;
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Fault).Or.EqualTo(SensorReadResult.Ok));
        Assert.That(source.Health.LastFault, Does.Contain("stuck"));
        chip.FifoStuck = false;
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(source.Health.Recoveries, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void ShortReadMisalignsTheFifoAndRecoveryRealigns()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock);
        using var source = new Mpu6050Source(chip, new Mpu6050Options(), clock, FastRetry);
        Span<short> frame = stackalloc short[6];
        source.Read(frame);
        clock.AdvanceSeconds(0.05);
        chip.ShortReadsNext = 1;
        chip.ShortReadBytes = 5;
        // FIFO_COUNT is the first read, so make the short read hit the FIFO: skip one read by reading the count here.
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(source.Health.Faults, Is.EqualTo(1));
        Assert.That(source.Health.LastFault, Does.Contain("short read"));
        short a = frame[0];
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(frame[0], Is.EqualTo(a + 1));
        Assert.That(frame[1], Is.EqualTo(-frame[0]), "frames are aligned: ay = -ax");
    }

    [Test]
    public void ChipThatDisappearsIsReinitialisedWhenItReturns()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock);
        using var source = new Mpu6050Source(chip, new Mpu6050Options(), clock, FastRetry);
        Span<short> frame = stackalloc short[6];
        source.Read(frame);
        chip.Present = false;
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Fault));
        clock.AdvanceSeconds(1);
        chip.Present = true; // power-on reset: asleep, FIFO disabled
        long resets = chip.Resets;
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(chip.Resets, Is.GreaterThan(resets), "the driver re-ran its initialisation");
        Assert.That(chip.Register(0x6A) & 0x40, Is.EqualTo(0x40));
        Assert.That(source.Health.Recoveries, Is.EqualTo(1));
        Assert.That(source.Health.FramesLost, Is.GreaterThanOrEqualTo(90), "about a second at 100 Hz");
    }

    [Test]
    public void BurstModeReadsTheDataRegistersBigEndian()
    {
        var clock = new ManualSensorClock();
        var chip = new SimulatedMpu6050(clock);
        using var source = new Mpu6050Source(chip, new Mpu6050Options { Mode = Mpu6050ReadMode.Burst, SampleRateDivider = 4 }, clock);
        Assert.That(source.SampleRateHz, Is.EqualTo(200));
        Span<short> frame = stackalloc short[6];
        for (int n = 1; n <= 50; n++)
        {
            Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
            AssertSample(frame, n);
        }
    }
}
