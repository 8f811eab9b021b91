using System.Text.Json;

namespace OnlineLearning.Cli.Runs;

/// <summary>Where the learning signal comes from.</summary>
internal enum LearningSignal
{
    /// <summary>Self-supervised: the target of the step at t is the frame at t + 1; the surprise is the anomaly score.</summary>
    NextSample,

    /// <summary>The label column of a replayed recording (classification through StepLabel).</summary>
    RecordingLabels,

    /// <summary>A GPIO input pin read with every frame (0 or 1; classification through StepLabel).</summary>
    GpioLabels,

    /// <summary>No learning: forward only (Infer).</summary>
    None,
}

internal sealed record SourceConfig
{
    /// <summary>"bundled-ecg", "replay", "ads1115", "mpu6050" or "iio".</summary>
    public string Type { get; init; } = "bundled-ecg";

    public bool RealTime { get; init; }

    /// <summary>Passes over a recording; 0: for ever.</summary>
    public int Loops { get; init; } = 1;

    /// <summary>bundled-ecg: the analog front-end gain in front of the simulated ADS1115 (recording counts x gain = ADC codes).</summary>
    public int Gain { get; init; } = 16;

    /// <summary>bundled-ecg: inject the artefact segments (baseline wander, electrode pops, muscle noise) into the second half.</summary>
    public bool Artifacts { get; init; }

    public string? Path { get; init; }

    public int SampleRateHz { get; init; }

    public int FracBits { get; init; }

    public string LabelColumn { get; init; } = "label";

    public int Bus { get; init; } = 1;

    public int Address { get; init; }

    public string Input { get; init; } = "AIN0";

    public int RangeMv { get; init; } = 4096;

    public int StuckLimit { get; init; }

    public string Device { get; init; } = "iio:device0";

    public string IioRoot { get; init; } = "/sys/bus/iio/devices";

    public IReadOnlyList<string> Channels { get; init; } = [];
}

internal sealed record EncoderConfig
{
    /// <summary>"direct", "delta", "level-crossing" or "rate".</summary>
    public string Type { get; init; } = "direct";

    /// <summary>direct: real input = gain x (frame value as a real number in the source's format) + offset.</summary>
    public double Gain { get; init; } = 1;

    public double Offset { get; init; }

    /// <summary>delta / level-crossing: threshold in raw frame counts.</summary>
    public int Threshold { get; init; } = 100;

    /// <summary>Spike amplitude (real units of the model input); 0: 1.0.</summary>
    public double Spike { get; init; } = 1;

    public int Min { get; init; } = -32768;

    public int Max { get; init; } = 32767;

    public uint Seed { get; init; } = 1;
}

internal sealed record AnomalyConfig
{
    /// <summary>A score above this (surprise relative to its slow average, 1 = usual) is an event.</summary>
    public double Threshold { get; init; } = 8;

    /// <summary>The slow average (the normaliser) has a time constant of 2^SlowShift steps.</summary>
    public int SlowShift { get; init; } = 12;

    /// <summary>The fast average (the surprise) has a time constant of 2^FastShift steps.</summary>
    public int FastShift { get; init; } = 7;

    /// <summary>The baseline term averages the input over 2^LevelShift steps (about a heartbeat at 360 Hz for 8).</summary>
    public int LevelShift { get; init; } = 8;

    /// <summary>No events in the first steps while the averages settle; -1: 2^SlowShift.</summary>
    public long WarmupSteps { get; init; } = -1;

    /// <summary>GPIO output driven high while the score is above the threshold; -1: none.</summary>
    public int GpioPin { get; init; } = -1;
}

internal sealed record CheckpointConfig
{
    public string? Path { get; init; }

    public long EverySteps { get; init; }

    public double EverySeconds { get; init; }
}

/// <summary>A whole <c>olrt run</c> configuration, validated field by field when parsed.</summary>
internal sealed record RunConfig
{
    public const int MaxSampleRateHz = 100_000;

    /// <summary>Where the config came from (a path, or "built-in default").</summary>
    public string Name { get; init; } = "built-in default";

    /// <summary>The model: a path (relative to the config file), or null for the built-in default LRU.</summary>
    public string? ModelPath { get; init; }

    /// <summary>An inline model object's JSON text.</summary>
    public string? ModelText { get; init; }

    public string? Rule { get; init; }

    public double LearningRate { get; init; } = 0.01;

    public double Momentum { get; init; }

    public ulong Seed { get; init; } = 1;

    public SourceConfig Source { get; init; } = new();

    public EncoderConfig Encoder { get; init; } = new();

    public LearningSignal Learning { get; init; } = LearningSignal.NextSample;

    public int LabelPin { get; init; } = -1;

    public bool LabelActiveLow { get; init; }

    public AnomalyConfig Anomaly { get; init; } = new();

    public CheckpointConfig Checkpoint { get; init; } = new();

    public double StatusSeconds { get; init; } = 1;

    /// <summary>Stop after this many steps in this process; 0: when the source ends (or never).</summary>
    public long MaxSteps { get; init; }

    /// <summary>At the end, compare against the naive and AR baselines and score the injected artefacts (bundled-ecg only).</summary>
    public bool Evaluate { get; init; }

    public static RunConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFileException($"{path}: cannot read the config: {e.Message}");
        }

        var config = Parse(path, text);
        if (config.ModelPath is not null && !System.IO.Path.IsPathRooted(config.ModelPath))
        {
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            config = config with { ModelPath = System.IO.Path.Combine(dir, config.ModelPath) };
        }

        if (config.Source.Path is not null && !System.IO.Path.IsPathRooted(config.Source.Path))
        {
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            config = config with { Source = config.Source with { Path = System.IO.Path.Combine(dir, config.Source.Path) } };
        }

        return config;
    }

    public static RunConfig Parse(string name, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new RunConfigException($"{name}: not valid JSON: line {(e.LineNumber ?? 0) + 1}: {e.Message.Split(" Path:", 2)[0]}");
        }

        using (document)
        {
            try
            {
                return Read(new ConfigObject(document.RootElement, string.Empty)) with { Name = name };
            }
            catch (RunConfigException e)
            {
                throw new RunConfigException($"{name}: {e.Message}", e);
            }
        }
    }

    private static RunConfig Read(ConfigObject root)
    {
        string? modelPath = null;
        string? modelText = null;
        var model = root.Raw("model");
        if (model is { ValueKind: JsonValueKind.String })
        {
            modelPath = model.Value.GetString();
        }
        else if (model is { ValueKind: JsonValueKind.Object })
        {
            modelText = model.Value.GetRawText();
        }
        else if (model is not null)
        {
            throw RunConfigException.Field("model", ConfigObject.Show(model.Value), "must be a model file path or an inline model object");
        }

        string? rule = root.String("rule", null);
        double lr = root.Number("learning_rate", 0.01, 1e-9, 1000, "must be in (0, 1000]");
        if (root.Raw("learning_rate") is { } lrRaw && lrRaw.GetDouble() <= 0)
        {
            throw RunConfigException.Field("learning_rate", ConfigObject.Show(lrRaw), "must be in (0, 1000]");
        }

        double momentum = root.Number("momentum", 0, 0, 0.999999, "must be in [0, 1)");
        ulong seed = (ulong)root.Whole("seed", 1, 0, long.MaxValue);
        var source = ReadSource(root.Object("source") ?? throw RunConfigException.Field("source", "(missing)", "required: { \"type\": \"bundled-ecg\" | \"replay\" | \"ads1115\" | \"mpu6050\" | \"iio\", ... }"));
        var encoder = ReadEncoder(root.Object("encoder"));
        var learningObj = root.Object("learning");
        LearningSignal learning = LearningSignal.NextSample;
        int labelPin = -1;
        bool activeLow = false;
        if (learningObj is not null)
        {
            learning = learningObj.String("signal", "next-sample", "next-sample", "recording-labels", "gpio-labels", "none") switch
            {
                "recording-labels" => LearningSignal.RecordingLabels,
                "gpio-labels" => LearningSignal.GpioLabels,
                "none" => LearningSignal.None,
                _ => LearningSignal.NextSample,
            };
            labelPin = learningObj.Int("pin", -1, 0, 1023);
            activeLow = learningObj.Bool("active_low", false);
            learningObj.Finish();
            if (learning == LearningSignal.GpioLabels && labelPin < 0)
            {
                throw RunConfigException.Field("learning.pin", "(missing)", "gpio-labels needs the input pin number");
            }
        }

        var anomaly = ReadAnomaly(root.Object("anomaly"));
        var checkpointObj = root.Object("checkpoint");
        var checkpoint = new CheckpointConfig();
        if (checkpointObj is not null)
        {
            checkpoint = new CheckpointConfig
            {
                Path = checkpointObj.String("path", null),
                EverySteps = checkpointObj.Whole("every_steps", 0, 0, long.MaxValue),
                EverySeconds = checkpointObj.Number("every_seconds", 0, 0, 1e7),
            };
            if (string.IsNullOrWhiteSpace(checkpoint.Path))
            {
                throw RunConfigException.Field("checkpoint.path", "(missing)", "a checkpoint section needs the file path");
            }

            checkpointObj.Finish();
        }

        double status = root.Number("status_seconds", 1, 0.01, 3600);
        long maxSteps = root.Whole("max_steps", 0, 0, long.MaxValue);
        bool evaluate = root.Bool("evaluate", false);
        root.Finish();

        if (evaluate && (source.Type != "bundled-ecg" || learning != LearningSignal.NextSample || source.Loops == 0))
        {
            throw RunConfigException.Field("evaluate", "true", "the summary needs source.type \"bundled-ecg\", a finite source.loops and learning.signal \"next-sample\"");
        }

        if (learning == LearningSignal.RecordingLabels && source.Type != "replay")
        {
            throw RunConfigException.Field("learning.signal", "\"recording-labels\"", $"needs a \"replay\" source with a label column, not \"{source.Type}\"");
        }

        if (learning == LearningSignal.NextSample && encoder.Type != "direct")
        {
            throw RunConfigException.Field("encoder.type", $"\"{encoder.Type}\"", "next-sample prediction needs the \"direct\" encoder (the target is the next encoded frame)");
        }

        return new RunConfig
        {
            ModelPath = modelPath,
            ModelText = modelText,
            Rule = rule,
            LearningRate = lr,
            Momentum = momentum,
            Seed = seed,
            Source = source,
            Encoder = encoder,
            Learning = learning,
            LabelPin = labelPin,
            LabelActiveLow = activeLow,
            Anomaly = anomaly,
            Checkpoint = checkpoint,
            StatusSeconds = status,
            MaxSteps = maxSteps,
            Evaluate = evaluate,
        };
    }

    private static SourceConfig ReadSource(ConfigObject o)
    {
        string type = o.String("type", null, "bundled-ecg", "replay", "ads1115", "mpu6050", "iio")
                      ?? throw RunConfigException.Field("source.type", "(missing)", "required: \"bundled-ecg\", \"replay\", \"ads1115\", \"mpu6050\" or \"iio\"");
        SourceConfig config;
        switch (type)
        {
            case "bundled-ecg":
                config = new SourceConfig
                {
                    Type = type,
                    RealTime = o.Bool("real_time", false),
                    Loops = o.Int("loops", 1, 0, 1_000_000),
                    Gain = o.Int("gain", 16, 1, 32, "must be 1 to 32 (the recording spans about ±1000 counts; 32x fills the ADS1115's ±32768)"),
                    Artifacts = o.Bool("artifacts", false),
                };
                break;
            case "replay":
                config = new SourceConfig
                {
                    Type = type,
                    Path = o.String("path", null) ?? throw RunConfigException.Field("source.path", "(missing)", "a replay source needs the recording file (.olrc or .csv)"),
                    RealTime = o.Bool("real_time", false),
                    Loops = o.Int("loops", 1, 0, 1_000_000),
                    SampleRateHz = o.Int("sample_rate_hz", 0, 1, MaxSampleRateHz, $"must be 1 to {MaxSampleRateHz} Hz"),
                    FracBits = o.Int("frac_bits", 0, 0, 15),
                    LabelColumn = o.String("label_column", "label")!,
                };
                break;
            case "ads1115":
                config = new SourceConfig
                {
                    Type = type,
                    Bus = o.Int("bus", 1, 0, 255),
                    Address = o.Int("address", 0x48, 0x48, 0x4B, "must be 72 to 75 (0x48-0x4B, set by the ADDR pin)"),
                    Input = o.String("input", "AIN0", "AIN0", "AIN1", "AIN2", "AIN3", "AIN0_AIN1", "AIN0_AIN3", "AIN1_AIN3", "AIN2_AIN3")!,
                    RangeMv = o.Int("range_mv", 4096, 256, 6144),
                    SampleRateHz = o.Int("sample_rate_hz", 0, int.MinValue, int.MaxValue),
                    StuckLimit = o.Int("stuck_limit", 0, 0, 1_000_000),
                };
                if (config.SampleRateHz is < 1 or > 860)
                {
                    throw RunConfigException.Field("source.sample_rate_hz", o.Has("sample_rate_hz") ? config.SampleRateHz.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(missing)",
                        "the ADS1115 converts at 8 to 860 samples/s: the rate must be 1 to 860 Hz");
                }

                if (config.RangeMv is not (256 or 512 or 1024 or 2048 or 4096 or 6144))
                {
                    throw RunConfigException.Field("source.range_mv", config.RangeMv.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be one of the ADS1115 full scales 256, 512, 1024, 2048, 4096, 6144");
                }

                break;
            case "mpu6050":
                config = new SourceConfig
                {
                    Type = type,
                    Bus = o.Int("bus", 1, 0, 255),
                    Address = o.Int("address", 0x68, 0x68, 0x69, "must be 104 or 105 (0x68/0x69, set by the AD0 pin)"),
                    SampleRateHz = o.Int("sample_rate_hz", 0, int.MinValue, int.MaxValue),
                    StuckLimit = o.Int("stuck_limit", 0, 0, 1_000_000),
                };
                if (config.SampleRateHz < 4 || config.SampleRateHz > 1000 || 1000 % config.SampleRateHz != 0)
                {
                    throw RunConfigException.Field("source.sample_rate_hz", o.Has("sample_rate_hz") ? config.SampleRateHz.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(missing)",
                        "the MPU-6050 runs at 1000 / (1 + divider) Hz with a divider 0 to 255: use a divisor of 1000 from 4 to 1000 (e.g. 50, 100, 200)");
                }

                break;
            default:
                config = new SourceConfig
                {
                    Type = type,
                    Device = o.String("device", "iio:device0")!,
                    IioRoot = o.String("root", "/sys/bus/iio/devices")!,
                    Channels = o.Strings("channels"),
                    SampleRateHz = o.Int("sample_rate_hz", 0, 1, 10_000, "must be 1 to 10000 Hz (sysfs reads cost tens of microseconds each)"),
                };
                if (config.Channels.Count == 0)
                {
                    throw RunConfigException.Field("source.channels", "(missing)", "name at least one IIO channel, e.g. [\"in_voltage0_raw\"]");
                }

                if (config.SampleRateHz == 0)
                {
                    throw RunConfigException.Field("source.sample_rate_hz", "(missing)", "an IIO source needs its sample rate");
                }

                break;
        }

        o.Finish();
        return config;
    }

    private static EncoderConfig ReadEncoder(ConfigObject? o)
    {
        if (o is null)
        {
            return new EncoderConfig();
        }

        string type = o.String("type", "direct", "direct", "delta", "level-crossing", "rate")!;
        var config = type switch
        {
            "direct" => new EncoderConfig { Type = type, Gain = o.Number("gain", 1, -1e6, 1e6), Offset = o.Number("offset", 0, -1e6, 1e6) },
            "rate" => new EncoderConfig
            {
                Type = type,
                Min = o.Int("min", -32768, short.MinValue, short.MaxValue),
                Max = o.Int("max", 32767, short.MinValue, short.MaxValue),
                Seed = (uint)o.Whole("seed", 1, 0, uint.MaxValue),
                Spike = o.Number("spike", 1, 0, 15),
            },
            _ => new EncoderConfig
            {
                Type = type,
                Threshold = o.Int("threshold", 100, 1, 65535),
                Spike = o.Number("spike", 1, 0, 15),
            },
        };
        if (type == "direct" && config.Gain == 0)
        {
            throw RunConfigException.Field("encoder.gain", "0", "must not be zero");
        }

        if (type == "rate" && config.Min >= config.Max)
        {
            throw RunConfigException.Field("encoder.max", config.Max.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must be above encoder.min ({config.Min})");
        }

        o.Finish();
        return config;
    }

    private static AnomalyConfig ReadAnomaly(ConfigObject? o)
    {
        if (o is null)
        {
            return new AnomalyConfig();
        }

        var config = new AnomalyConfig
        {
            Threshold = o.Number("threshold", 8, 0.01, 1e6, "must be in [0.01, 1e6] (1 = the usual surprise)"),
            SlowShift = o.Int("slow_shift", 12, 4, 24),
            FastShift = o.Int("fast_shift", 7, 0, 16),
            LevelShift = o.Int("level_shift", 8, 0, 16),
            WarmupSteps = o.Whole("warmup_steps", -1, -1, long.MaxValue),
            GpioPin = o.Int("gpio_pin", -1, 0, 1023),
        };
        if (config.LevelShift >= config.SlowShift)
        {
            throw RunConfigException.Field("anomaly.level_shift", config.LevelShift.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must be below anomaly.slow_shift ({config.SlowShift})");
        }

        if (config.FastShift >= config.SlowShift)
        {
            throw RunConfigException.Field("anomaly.fast_shift", config.FastShift.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must be below anomaly.slow_shift ({config.SlowShift})");
        }

        o.Finish();
        return config;
    }
}

/// <summary>A file the run needs cannot be read or a device cannot be opened. Exit 1.</summary>
internal sealed class RunFileException : Exception
{
    public RunFileException()
    {
    }

    public RunFileException(string message)
        : base(message)
    {
    }

    public RunFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
