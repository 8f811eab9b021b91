using System.Device.Gpio;

namespace OnlineLearning.Sensors.Tests;

public sealed class IioAndGpioTests
{
    private string _root = string.Empty;

    [SetUp]
    public void MakeFakeSysfs()
    {
        _root = Directory.CreateTempSubdirectory("iio").FullName;
        string dev = Path.Combine(_root, "iio:device0");
        Directory.CreateDirectory(dev);
        File.WriteAllText(Path.Combine(dev, "in_accel_x_raw"), "-123\n");
        File.WriteAllText(Path.Combine(dev, "in_accel_y_raw"), "456\n");
        File.WriteAllText(Path.Combine(dev, "in_accel_scale"), "0.000598\n");
        File.WriteAllText(Path.Combine(dev, "sampling_frequency"), "100.000000\n");
    }

    [TearDown]
    public void RemoveFakeSysfs() => Directory.Delete(_root, true);

    private IioOptions Options => new() { Root = _root, Channels = ["in_accel_x", "in_accel_y"] };

    private static readonly RetryPolicy FastRetry = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), 3);

    [Test]
    public void ReadsRawValuesAndTheSamplingFrequency()
    {
        var clock = new ManualSensorClock();
        using var source = new IioSource(Options, clock);
        Assert.That(source.SampleRateHz, Is.EqualTo(100));
        Assert.That(source.Describe(), Does.Contain("scale 0.000598"));
        Span<short> frame = stackalloc short[2];
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(frame.ToArray(), Is.EqualTo(new short[] { -123, 456 }));
        File.WriteAllText(Path.Combine(_root, "iio:device0", "in_accel_y_raw"), "99999\n");
        source.Read(frame);
        Assert.That(frame[1], Is.EqualTo(short.MaxValue));
        Assert.That(source.Health.Saturations, Is.EqualTo(1));
    }

    [Test]
    public void GarbageIsAFaultAndAVanishedDeviceRecovers()
    {
        var clock = new ManualSensorClock();
        using var source = new IioSource(Options, clock, FastRetry);
        Span<short> frame = stackalloc short[2];
        string x = Path.Combine(_root, "iio:device0", "in_accel_x_raw");
        File.WriteAllText(x, "oops\n");
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Fault));
        Assert.That(source.Health.LastFault, Does.Contain("'oops' is not an integer"));
        File.Delete(x);
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Fault));
        File.WriteAllText(x, "7\n");
        Assert.That(source.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(frame[0], Is.EqualTo(7));
        Assert.That(source.Health.Recoveries, Is.GreaterThanOrEqualTo(1));
        Assert.That(source.IsFaulted, Is.False);
    }

    [Test]
    public void MissingDeviceIsAConfigError() =>
        Assert.Throws<SensorConfigException>(() => new IioSource(Options with { Device = "iio:device9" }));

    [TestCase("42\n", true, 42)]
    [TestCase("-7", true, -7)]
    [TestCase("  +3 ", true, 3)]
    [TestCase("", false, 0)]
    [TestCase("1.5\n", false, 0)]
    [TestCase("12a", false, 0)]
    public void ParsesIntegersWithoutAllocating(string text, bool ok, long expected)
    {
        bool parsed = IioSource.TryParseInteger(System.Text.Encoding.ASCII.GetBytes(text), out long value);
        Assert.That(parsed, Is.EqualTo(ok));
        if (ok)
        {
            Assert.That(value, Is.EqualTo(expected));
        }
    }

    [Test]
    public void GpioLabelFollowsThePin()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        using (var label = new GpioLabelSource(controller, 17))
        {
            Assert.That(driver.IsOpen(17), Is.True);
            Assert.That(label.Read(), Is.EqualTo(0));
            driver.SetLevel(17, PinValue.High);
            Assert.That(label.Read(), Is.EqualTo(1));
        }

        using var activeLow = new GpioLabelSource(controller, 5, activeLow: true, PinMode.InputPullUp);
        driver.SetLevel(5, PinValue.High);
        Assert.That(activeLow.Read(), Is.EqualTo(0));
        driver.SetLevel(5, PinValue.Low);
        Assert.That(activeLow.Read(), Is.EqualTo(1));
    }
}
