using System.Device.Gpio;
using OnlineLearning.Cli.Runs;
using OnlineLearning.Numerics;
using OnlineLearning.Sensors;
using OnlineLearning.Sensors.Tests;

namespace OnlineLearning.Cli.Tests;

public class RunConfigTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OnlineLearning.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Test]
    public void EveryShippedBoardConfigValidates()
    {
        var configs = Directory.GetFiles(Path.Combine(RepoRoot(), "boards"), "*.json", SearchOption.AllDirectories);
        Assert.That(configs, Is.Not.Empty);
        foreach (string path in configs)
        {
            var config = RunConfig.Load(path);
            var network = RunSetup.Network(config, RunSetup.Model(config));
            using var parts = RunSetup.Build(config, network, openHardware: false);
            Assert.That(parts.Encoder.OutputChannels, Is.EqualTo(network.Inputs), path);
        }
    }

    [Test]
    public void TheEmbeddedDefaultValidates()
    {
        var config = RunConfig.Parse("default", RunSetup.DefaultConfig);
        Assert.Multiple(() =>
        {
            Assert.That(config.Source.Type, Is.EqualTo("bundled-ecg"));
            Assert.That(config.Learning, Is.EqualTo(LearningSignal.NextSample));
            Assert.That(config.Evaluate, Is.True);
        });
    }

    [TestCase("""{ "source": { "type": "bundled-ecg" }, "lr": 1 }""", "lr: 1: unknown key")]
    [TestCase("""{ "source": { "type": "bundled-ecg", "gian": 2 } }""", "source.gian: 2: unknown key")]
    [TestCase("""{ "source": { "type": "mpu6050", "sample_rate_hz": 300 } }""", "source.sample_rate_hz: 300: the MPU-6050 runs at")]
    [TestCase("""{ "source": { "type": "ads1115", "sample_rate_hz": 861 } }""", "source.sample_rate_hz: 861:")]
    [TestCase("""{ "source": { "type": "ads1115" } }""", "source.sample_rate_hz: (missing)")]
    [TestCase("""{ "source": { "type": "usb" } }""", "source.type: \"usb\": must be one of")]
    [TestCase("""{ "source": { "type": "bundled-ecg" }, "encoder": { "type": "delta" } }""", "encoder.type: \"delta\": next-sample prediction needs the \"direct\" encoder")]
    [TestCase("""{ "source": { "type": "bundled-ecg" }, "learning_rate": -1 }""", "learning_rate: -1:")]
    [TestCase("""{ "source": { "type": "bundled-ecg" }, "learning": { "signal": "gpio-labels" } }""", "learning.pin: (missing)")]
    [TestCase("""{ "source": """, "not valid JSON")]
    public void BadConfigsNameTheFieldTheValueAndTheReason(string json, string expected)
    {
        var e = Assert.Throws<RunConfigException>(() => RunConfig.Parse("t.json", json));
        Assert.That(e!.Message, Does.StartWith("t.json: ").And.Contain(expected));
    }

    [Test]
    public void AnEncoderThatDoesNotFeedTheModelIsRefusedBeforeAnythingOpens()
    {
        var config = RunConfig.Parse("t.json", """{ "source": { "type": "mpu6050", "sample_rate_hz": 100 } }""");
        var network = RunSetup.Network(config, RunSetup.Model(config));
        var e = Assert.Throws<RunConfigException>(() => RunSetup.Build(config, network, openHardware: false));
        Assert.That(e!.Message, Does.Contain("into 6 inputs, but the model takes 1"));
    }
}

public class SurpriseScoreTests
{
    [Test]
    public void SteadyErrorsScoreAboutOneAndABurstScoresHigh()
    {
        var score = new SurpriseScore(slowShift: 10, fastShift: 4, levelShift: 6);
        int s = 0;
        for (int t = 0; t < 5000; t++)
        {
            s = score.Update(t % 2 == 0 ? 90 : 110, level: 0);
        }

        Assert.That(score.PredictionScore, Is.InRange(230, 282), "steady: about 1.0 (256)");
        Assert.That(s, Is.EqualTo((score.PredictionScore + score.BaselineScore) / 2), "the score is the mean of the two terms");
        for (int t = 0; t < 40; t++)
        {
            s = score.Update(100 * 100, level: 0);
        }

        Assert.That(score.PredictionScore, Is.GreaterThan(8 * 256), "a 100x burst");
    }

    [Test]
    public void ABaselineShiftRaisesTheBaselineTerm()
    {
        var score = new SurpriseScore(slowShift: 10, fastShift: 4, levelShift: 6);
        var noise = new Random(3);
        for (int t = 0; t < 5000; t++)
        {
            score.Update(100, level: noise.Next(-50, 50));
        }

        Assert.That(score.BaselineScore, Is.LessThan(4 * 256));
        for (int t = 0; t < 200; t++)
        {
            score.Update(100, level: 2000 + noise.Next(-50, 50));
        }

        Assert.That(score.BaselineScore, Is.GreaterThan(8 * 256));
        Assert.That(score.PredictionScore, Is.InRange(200, 320), "the prediction term does not see a level shift");
    }

    [Test]
    public void UpdatesAllocateNothing()
    {
        var score = new SurpriseScore(12, 7, 8);
        score.Update(1, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 10_000; t++)
        {
            score.Update(t, t & 255);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}

public class RunLoopTests
{
    private const string Classifier = """
        { "type": "lru", "inputs": 1, "outputs": 2, "loss": "ce", "seed": 5,
          "encoder": { "size": 8 }, "layers": [ { "N": 8, "r_min": 0.3, "r_max": 0.9 } ], "decoder": { "size": 2 } }
        """;

    /// <summary>A source whose frames say which class is on, and which sets the simulated GPIO pin to match, as a button would.</summary>
    private sealed class ButtonSource(SimulatedGpioDriver driver, int pin) : ISensorSource
    {
        private int _t;

        public int Channels => 1;

        public int SampleRateHz => 100;

        public QFormat FrameFormat => QFormat.Q15;

        public SensorHealth Health { get; } = new();

        public SensorReadResult Read(Span<short> frame)
        {
            bool pressed = (_t / 50) % 2 == 1;
            frame[0] = (short)((pressed ? 12000 : -12000) + ((_t * 7919) % 2001) - 1000);
            driver.SetLevel(pin, pressed ? PinValue.Low : PinValue.High); // a button to ground: active low
            _t++;
            return SensorReadResult.Ok;
        }

        public string Describe() => "button source";

        public void Dispose()
        {
        }
    }

    [Test]
    public void GpioLabelsTeachAClassifierWithoutAllocating()
    {
        const int pin = 17;
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        var config = RunConfig.Parse("t.json", $$"""
            { "model": {{Classifier}}, "learning_rate": 0.01,
              "source": { "type": "mpu6050", "sample_rate_hz": 100 }, "encoder": { "type": "direct", "gain": 1 },
              "learning": { "signal": "gpio-labels", "pin": {{pin}}, "active_low": true } }
            """);
        var network = RunSetup.Network(config, RunSetup.Model(config));
        var labels = new GpioLabelSource(controller, pin, activeLow: true);
        using var parts = new RunParts
        {
            Source = new ButtonSource(driver, pin),
            Encoder = new OnlineLearning.Sensors.Encoding.DirectCurrentEncoder(new(1, OnlineLearning.Sensors.Encoding.AffineMap.FromGain(1, 0, QFormat.Q15, network.InputFormat))),
            Network = network,
            Learning = LearningSignal.GpioLabels,
            GpioLabels = labels,
        };
        var loop = new RunLoop(parts, config.Anomaly, trace: null);
        loop.Run(maxSteps: 2000);
        long correctBefore = loop.Counters.CorrectTotal, labeledBefore = loop.Counters.LabeledTotal;
        loop.Run(maxSteps: 4000);
        double late = (double)(loop.Counters.CorrectTotal - correctBefore) / (loop.Counters.LabeledTotal - labeledBefore);
        Assert.Multiple(() =>
        {
            Assert.That(late, Is.GreaterThan(0.9), "accuracy after 2000 labelled steps");
            Assert.That(loop.Counters.AllocatedBytes, Is.Zero, "bytes allocated in the loop body");
        });
    }

    [Test]
    public void NextSampleStepsOnTheDelayedFrameAndTracesIt()
    {
        var config = RunConfig.Parse("t.json", """{ "source": { "type": "bundled-ecg", "loops": 1 }, "encoder": { "type": "direct", "gain": 10.24 } }""");
        var network = RunSetup.Network(config, RunSetup.Model(config));
        using var parts = RunSetup.Build(config, network, openHardware: false);
        var trace = new RunTrace(1000);
        var loop = new RunLoop(parts, config.Anomaly, trace);
        loop.Run(maxSteps: 3000);
        Assert.Multiple(() =>
        {
            Assert.That(loop.Counters.Frames, Is.EqualTo(3001), "one frame more than steps: the first only primes the delay");
            Assert.That(loop.Counters.StepsThisRun, Is.EqualTo(3000));
            Assert.That(loop.Counters.AllocatedBytes, Is.Zero);
            int k = trace.At(500), prev = trace.At(499);
            Assert.That(trace.Previous[k], Is.EqualTo(trace.Target[prev]), "the input of step t is the target of step t-1");
        });
    }
}
