using System.Device.Gpio;
using System.Device.I2c;
using System.Globalization;
using Iot.Device.Ads1115;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Sensors;
using OnlineLearning.Sensors.Encoding;
using OnlineLearning.Sensors.Simulation;

namespace OnlineLearning.Cli.Runs;

/// <summary>
/// Turns a validated <see cref="RunConfig"/> into the loop's parts: the model and network, the source (simulated,
/// replayed or on hardware), the encoder and the learning signal, checking that they fit together before anything
/// runs. With <c>openHardware: false</c> (<c>--check</c>) hardware sources are checked by their shape only.
/// </summary>
internal static class RunSetup
{
    private static readonly int[] Ads1115DataRates = [8, 16, 32, 64, 128, 250, 475, 860];

    /// <summary>The built-in model: a small LRU (H 8, N 16) that predicts the next sample of one channel.</summary>
    public const string DefaultModel = """
        {
          "type": "lru", "inputs": 1, "outputs": 1, "loss": "mse", "seed": 7,
          "encoder": { "size": 8 },
          "layers": [ { "N": 16, "block": "lru-only", "r_min": 0.5, "r_max": 0.99 } ],
          "decoder": { "size": 1 }
        }
        """;

    /// <summary>The embedded default: the bundled ECG through the simulated ADS1115, next-sample learning, the summary at the end.</summary>
    public const string DefaultConfig = """
        {
          "learning_rate": 0.01,
          "source": { "type": "bundled-ecg", "gain": 16, "artifacts": true, "loops": 3, "real_time": false },
          "encoder": { "type": "direct", "gain": 10.24 },
          "learning": { "signal": "next-sample" },
          "anomaly": { "threshold": 8, "slow_shift": 12, "fast_shift": 7, "level_shift": 8 },
          "evaluate": true
        }
        """;

    public static ModelDocument Model(RunConfig config)
    {
        if (config.ModelPath is not null)
        {
            if (!File.Exists(config.ModelPath))
            {
                throw new RunFileException($"model: {config.ModelPath}: no such file");
            }

            return ModelDocument.Load(config.ModelPath);
        }

        return ModelDocument.Parse(config.ModelText is null ? "built-in model" : $"{config.Name}: model", config.ModelText ?? DefaultModel);
    }

    public static IOnlineNetwork Network(RunConfig config, ModelDocument model)
    {
        try
        {
            return NetworkFactory.Create(model.Spec, new NetworkOptions
            {
                Rule = config.Rule,
                Sgd = new SgdOptions { LearningRate = config.LearningRate, Momentum = config.Momentum, Seed = config.Seed },
            });
        }
        catch (ArgumentException e)
        {
            throw RunConfigException.Field("rule", config.Rule ?? "(default)", OlrtCommand.Clean(e.Message));
        }
    }

    /// <summary>Builds every part; throws <see cref="RunConfigException"/> (exit 2) or <see cref="RunFileException"/> (exit 1).</summary>
    public static RunParts Build(RunConfig config, IOnlineNetwork network, bool openHardware, ISensorClock? clock = null, GpioController? gpio = null)
    {
        var src = config.Source;
        bool simulated = src.Type is "bundled-ecg" or "replay";
        clock ??= simulated && !src.RealTime ? new ManualSensorClock() : SystemSensorClock.Instance;

        ISensorSource? source = null;
        short[]? chipSamples = null;
        IReadOnlyList<ArtifactSegment> artifacts = [];
        long budget = 0;
        int channels;
        QFormat format;
        int rate;
        Recording? recording = null;
        switch (src.Type)
        {
            case "bundled-ecg":
            {
                var ecg = BundledRecordings.MitBihEcgRecording();
                chipSamples = ecg.ChannelSamples(0);
                if (src.Artifacts)
                {
                    artifacts = EcgArtifacts.Segments(chipSamples.Length, ecg.SampleRateHz);
                    EcgArtifacts.Inject(chipSamples, artifacts, ecg.SampleRateHz);
                }

                for (int i = 0; i < chipSamples.Length; i++)
                {
                    chipSamples[i] = (short)Math.Clamp(chipSamples[i] * src.Gain, short.MinValue, short.MaxValue);
                }

                var chip = new SimulatedAds1115(clock, chipSamples, loop: true, conversionRateHz: ecg.SampleRateHz);
                source = new Ads1115Source(chip, new Ads1115Options { DataRate = DataRate.SPS475, SampleRateHz = ecg.SampleRateHz }, clock);
                budget = (long)src.Loops * chipSamples.Length;
                (channels, format, rate) = (1, source.FrameFormat, source.SampleRateHz);
                break;
            }

            case "replay":
                recording = LoadRecording(src);
                source = new ReplaySource(recording, new ReplayOptions { RealTime = src.RealTime, Loop = src.Loops != 1 }, clock);
                budget = (long)src.Loops * recording.FrameCount;
                (channels, format, rate) = (recording.Channels, recording.Format, recording.SampleRateHz);
                break;
            case "ads1115":
                (channels, format, rate) = (1, QFormat.Q15, src.SampleRateHz);
                break;
            case "mpu6050":
                (channels, format, rate) = (6, QFormat.Q15, src.SampleRateHz);
                break;
            default:
                (channels, format, rate) = (src.Channels.Count, new QFormat(QStorage.Int16, 0), src.SampleRateHz);
                break;
        }

        try
        {
            var encoder = Encoder(config.Encoder, channels, format, network.InputFormat);
            CheckShapes(config, network, encoder, channels, recording);
            if (source is null && openHardware)
            {
                source = OpenHardware(src);
            }

            GpioController? anomalyGpio = null;
            GpioLabelSource? labels = null;
            if (openHardware && (config.Learning == LearningSignal.GpioLabels || config.Anomaly.GpioPin >= 0))
            {
                var controller = gpio ?? OpenGpio();
                if (config.Learning == LearningSignal.GpioLabels)
                {
                    labels = new GpioLabelSource(controller, config.LabelPin, config.LabelActiveLow, PinMode.Input, ownsController: gpio is null && config.Anomaly.GpioPin < 0);
                }

                if (config.Anomaly.GpioPin >= 0)
                {
                    OpenOutput(controller, config.Anomaly.GpioPin);
                    anomalyGpio = controller;
                }
            }

            return new RunParts
            {
                Source = source ?? new ShapeOnlySource(channels, rate, format),
                Encoder = encoder,
                Network = network,
                Learning = config.Learning,
                GpioLabels = labels,
                AnomalyGpio = anomalyGpio,
                AnomalyPin = config.Anomaly.GpioPin,
                FrameBudget = budget,
                ChipSamples = chipSamples,
                Artifacts = artifacts,
            };
        }
        catch
        {
            source?.Dispose();
            throw;
        }
    }

    private static Recording LoadRecording(SourceConfig src)
    {
        if (!File.Exists(src.Path))
        {
            throw new RunFileException($"source.path: {src.Path}: no such file");
        }

        bool isCsv = !File.ReadAllBytes(src.Path!).AsSpan().StartsWith("OLRC"u8);
        if (isCsv && src.SampleRateHz == 0)
        {
            throw RunConfigException.Field("source.sample_rate_hz", "(missing)", "a CSV recording does not say its sample rate: give it");
        }

        try
        {
            return Recording.Load(src.Path!, new CsvRecordingOptions { SampleRateHz = src.SampleRateHz, FracBits = src.FracBits, LabelColumn = src.LabelColumn });
        }
        catch (SensorConfigException e)
        {
            throw new RunFileException(e.Message, e);
        }
    }

    private static IFrameEncoder Encoder(EncoderConfig e, int channels, QFormat frameFormat, QFormat inputFormat)
    {
        try
        {
            short spike = (short)Math.Clamp(Math.Round(e.Spike * (1 << inputFormat.FracBits)), 0, short.MaxValue);
            return e.Type switch
            {
                "direct" => new DirectCurrentEncoder(new DirectCurrentConfig(channels, AffineMap.FromGain(e.Gain, e.Offset, frameFormat, inputFormat))),
                "delta" => new DeltaEncoder(new SpikeEncoderConfig(channels, e.Threshold, inputFormat, spike)),
                "level-crossing" => new LevelCrossingEncoder(new SpikeEncoderConfig(channels, e.Threshold, inputFormat, spike)),
                _ => new RateEncoder(new RateEncoderConfig(channels, (short)e.Min, (short)e.Max, e.Seed, inputFormat, spike)),
            };
        }
        catch (SensorConfigException ex)
        {
            throw RunConfigException.Field("encoder", $"\"{e.Type}\"", ex.Message);
        }
    }

    private static void CheckShapes(RunConfig config, IOnlineNetwork network, IFrameEncoder encoder, int channels, Recording? recording)
    {
        var inv = CultureInfo.InvariantCulture;
        if (encoder.OutputChannels != network.Inputs)
        {
            throw RunConfigException.Field("encoder.type", $"\"{config.Encoder.Type}\"",
                string.Create(inv, $"the encoder turns {channels} {config.Source.Type} channel(s) into {encoder.OutputChannels} inputs, but the model takes {network.Inputs} (model \"inputs\")"));
        }

        switch (config.Learning)
        {
            case LearningSignal.NextSample when network.Outputs != encoder.OutputChannels:
                throw RunConfigException.Field("learning.signal", "\"next-sample\"",
                    string.Create(inv, $"the model predicts {network.Outputs} value(s) but a frame encodes to {encoder.OutputChannels}: next-sample prediction needs model \"outputs\" = {encoder.OutputChannels}"));
            case LearningSignal.GpioLabels when network.Outputs < 2:
                throw RunConfigException.Field("learning.signal", "\"gpio-labels\"", string.Create(inv, $"a GPIO label is 0 or 1: the model needs at least 2 outputs, not {network.Outputs}"));
            case LearningSignal.RecordingLabels when recording is not null:
                if (!recording.HasLabels)
                {
                    throw RunConfigException.Field("learning.signal", "\"recording-labels\"", $"{recording.Name} has no label column (source.label_column \"{config.Source.LabelColumn}\")");
                }

                for (int i = 0; i < recording.FrameCount; i++)
                {
                    if (recording.Label(i) < 0 || recording.Label(i) >= network.Outputs)
                    {
                        throw RunConfigException.Field("learning.signal", "\"recording-labels\"",
                            string.Create(inv, $"{recording.Name}: frame {i + 1} has label {recording.Label(i)}; the model has {network.Outputs} classes (0 to {network.Outputs - 1})"));
                    }
                }

                break;
        }
    }

    private static ISensorSource OpenHardware(SourceConfig src)
    {
        try
        {
            switch (src.Type)
            {
                case "ads1115":
                {
                    var device = OpenI2c(src.Bus, src.Address);
                    int dataRate = Ads1115DataRates.First(r => r >= src.SampleRateHz);
                    return new Ads1115Source(device, new Ads1115Options
                    {
                        Input = Enum.Parse<InputMultiplexer>(src.Input),
                        Range = src.RangeMv switch
                        {
                            256 => MeasuringRange.FS0256,
                            512 => MeasuringRange.FS0512,
                            1024 => MeasuringRange.FS1024,
                            2048 => MeasuringRange.FS2048,
                            6144 => MeasuringRange.FS6144,
                            _ => MeasuringRange.FS4096,
                        },
                        DataRate = (DataRate)Array.IndexOf(Ads1115DataRates, dataRate),
                        SampleRateHz = src.SampleRateHz,
                        StuckLimit = src.StuckLimit,
                    });
                }

                case "mpu6050":
                {
                    var device = OpenI2c(src.Bus, src.Address);
                    return new Mpu6050Source(device, new Mpu6050Options { SampleRateDivider = (byte)((1000 / src.SampleRateHz) - 1), StuckLimit = src.StuckLimit });
                }

                default:
                    return new IioSource(new IioOptions { Root = src.IioRoot, Device = src.Device, Channels = src.Channels, SampleRateHz = src.SampleRateHz });
            }
        }
        catch (SensorConfigException e)
        {
            throw new RunFileException($"source: {src.Type}: {e.Message}", e);
        }
    }

    private static I2cDevice OpenI2c(int bus, int address)
    {
        string node = $"/dev/i2c-{bus}";
        if (!File.Exists(node))
        {
            throw new RunFileException($"source.bus: {bus}: {node} is absent (enable I2C, e.g. dtparam=i2c_arm=on in config.txt, and check the bus number with ls /dev/i2c-*)");
        }

        try
        {
            return I2cDevice.Create(new I2cConnectionSettings(bus, address));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or PlatformNotSupportedException)
        {
            throw new RunFileException($"source.bus: {bus}: cannot open {node} at 0x{address:x2}: {e.Message} (is the user in the i2c group?)", e);
        }
    }

    private static GpioController OpenGpio()
    {
        if (!Directory.EnumerateFileSystemEntries("/dev", "gpiochip*").Any())
        {
            throw new RunFileException("gpio: no /dev/gpiochip* on this machine: the GPIO pins in learning.pin / anomaly.gpio_pin cannot be used");
        }

        try
        {
            return new GpioController();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or PlatformNotSupportedException)
        {
            throw new RunFileException($"gpio: cannot open the GPIO controller: {e.Message} (is the user in the gpio group?)", e);
        }
    }

    private static void OpenOutput(GpioController controller, int pin)
    {
        try
        {
            controller.OpenPin(pin, PinMode.Output);
            controller.Write(pin, PinValue.Low);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            throw new RunFileException($"anomaly.gpio_pin: {pin}: {e.Message}", e);
        }
    }

    /// <summary>Stands in for a hardware source under --check: it has the shape but never reads.</summary>
    private sealed class ShapeOnlySource(int channels, int rate, QFormat format) : ISensorSource
    {
        public int Channels => channels;

        public int SampleRateHz => rate;

        public QFormat FrameFormat => format;

        public SensorHealth Health { get; } = new();

        public SensorReadResult Read(Span<short> frame) => SensorReadResult.EndOfStream;

        public string Describe() => $"{channels} channel(s) at {rate} Hz, {format} (not opened: --check)";

        public void Dispose()
        {
        }
    }
}
