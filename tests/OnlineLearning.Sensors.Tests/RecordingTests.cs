using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors.Tests;

public sealed class RecordingTests
{
    private static Recording Sample() =>
        new("t", 2, 100, new QFormat(QStorage.Int16, 4), [1, 2, 3, 4, 5, 6], [0, 1, 2]);

    private static byte[] Olrc(Recording r)
    {
        using var ms = new MemoryStream();
        r.WriteOlrc(ms);
        return ms.ToArray();
    }

    [Test]
    public void OlrcRoundTripsFramesLabelsAndHeader()
    {
        Recording back = Recording.ReadOlrc(Olrc(Sample()), "t.olrc");
        Assert.That(back.Channels, Is.EqualTo(2));
        Assert.That(back.SampleRateHz, Is.EqualTo(100));
        Assert.That(back.Format.FracBits, Is.EqualTo(4));
        Assert.That(back.FrameCount, Is.EqualTo(3));
        Assert.That(back.Frame(2).ToArray(), Is.EqualTo(new short[] { 5, 6 }));
        Assert.That(back.Label(1), Is.EqualTo(1));
    }

    [TestCase(0, "OLRX", "offset 0: bad magic")]
    [TestCase(4, "\u0002", "offset 4: unsupported version 2")]
    [TestCase(12, "\u0010", "offset 12: 16 fractional bits")]
    public void BadHeadersNameTheOffset(int offset, string patch, string message)
    {
        byte[] bytes = Olrc(Sample());
        for (int i = 0; i < patch.Length; i++)
        {
            bytes[offset + i] = (byte)patch[i];
        }

        var ex = Assert.Throws<RecordingFormatException>(() => Recording.ReadOlrc(bytes, "bad.olrc"));
        Assert.That(ex!.Message, Does.StartWith("bad.olrc: ").And.Contain(message));
    }

    [Test]
    public void TruncatedFileIsOneClearError()
    {
        byte[] bytes = Olrc(Sample());
        var ex = Assert.Throws<RecordingFormatException>(() => Recording.ReadOlrc(bytes.AsSpan(0, bytes.Length - 3), "cut.olrc"));
        Assert.That(ex!.Message, Does.Contain("cut.olrc: offset 32: truncated"));
        Assert.Throws<RecordingFormatException>(() => Recording.ReadOlrc(bytes.AsSpan(0, 10), "cut.olrc"));
    }

    [Test]
    public void CsvWithHeaderAndLabelColumn()
    {
        const string csv = "x,y,label\n0.5,-1,2\n1.25,0,0\n\n";
        Recording r = Recording.ReadCsv(new StringReader(csv), "a.csv", new CsvRecordingOptions { SampleRateHz = 50, FracBits = 4 });
        Assert.That(r.Channels, Is.EqualTo(2));
        Assert.That(r.HasLabels, Is.True);
        Assert.That(r.Frame(0).ToArray(), Is.EqualTo(new short[] { 8, -16 }));
        Assert.That(r.Frame(1).ToArray(), Is.EqualTo(new short[] { 20, 0 }));
        Assert.That(r.Label(0), Is.EqualTo(2));
    }

    [TestCase("1,2\n3,abc\n", "b.csv:2: column 2: 'abc' is not a number")]
    [TestCase("1,2\n3,NaN\n", "b.csv:2: column 2: 'NaN' is not a finite number")]
    [TestCase("1,2\n3\n", "b.csv:2: expected 2 columns, found 1")]
    [TestCase("1,2\n3,40000\n", "b.csv:2: column 2: 40000 does not fit")]
    [TestCase("", "no data rows")]
    public void BadCsvNamesFileLineAndReason(string text, string message)
    {
        var ex = Assert.Throws<RecordingFormatException>(() =>
            Recording.ReadCsv(new StringReader(text), "b.csv", new CsvRecordingOptions { SampleRateHz = 10 }));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void LoadReadsOlrcAndCsvFiles()
    {
        string dir = Directory.CreateTempSubdirectory("olrc").FullName;
        try
        {
            string olrc = Path.Combine(dir, "r.olrc");
            File.WriteAllBytes(olrc, Olrc(Sample()));
            Assert.That(Recording.Load(olrc).FrameCount, Is.EqualTo(3));
            string csv = Path.Combine(dir, "r.csv");
            File.WriteAllText(csv, "1\n2\n");
            Assert.Throws<SensorConfigException>(() => Recording.Load(csv));
            Assert.That(Recording.Load(csv, new CsvRecordingOptions { SampleRateHz = 5 }).FrameCount, Is.EqualTo(2));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void BundledEcgIsThreeMinutesAt360Hz()
    {
        using Stream s = BundledRecordings.MitBihEcg();
        Assert.That(s.Length, Is.LessThan(200_000));
        Recording ecg = BundledRecordings.MitBihEcgRecording();
        Assert.That(ecg.SampleRateHz, Is.EqualTo(360));
        Assert.That(ecg.FrameCount, Is.EqualTo(180 * 360));
        Assert.That(ecg.Channels, Is.EqualTo(1));
        short[] x = ecg.ChannelSamples(0);
        Assert.That(x.Max() - x.Min(), Is.GreaterThan(400), "an ECG has QRS complexes of a few mV (200 counts per mV)");
    }

    [Test]
    public void ReplayEndsOrLoopsAndCarriesLabels()
    {
        Span<short> frame = stackalloc short[2];
        using var once = new ReplaySource(Sample());
        Assert.That(once.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(once.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(once.Label, Is.EqualTo(1));
        Assert.That(once.Read(frame), Is.EqualTo(SensorReadResult.Ok));
        Assert.That(once.Read(frame), Is.EqualTo(SensorReadResult.EndOfStream));
        Assert.That(once.Read(frame), Is.EqualTo(SensorReadResult.EndOfStream));

        using var looping = new ReplaySource(Sample(), new ReplayOptions { Loop = true });
        for (int i = 0; i < 4; i++)
        {
            looping.Read(frame);
        }

        Assert.That(frame.ToArray(), Is.EqualTo(new short[] { 1, 2 }));
    }

    [Test]
    public void RealTimeReplayPacesToTheSampleRate()
    {
        var clock = new ManualSensorClock();
        using var source = new ReplaySource(Sample(), new ReplayOptions { RealTime = true, Loop = true }, clock);
        Span<short> frame = stackalloc short[2];
        for (int i = 0; i < 100; i++)
        {
            source.Read(frame);
        }

        Assert.That(clock.Now, Is.EqualTo(clock.TicksPerSecond), "100 frames at 100 Hz take one second");
    }
}
