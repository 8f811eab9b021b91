using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Networks;

namespace OnlineLearning.Cli.Runs;

/// <summary>
/// What happens between frames: the status line on standard error about every <c>status_seconds</c>, the same
/// figures as JSON lines (<c>--metrics</c>), anomaly events, periodic checkpoints and the systemd watchdog.
/// </summary>
internal sealed class RunReporter : IDisposable
{
    private readonly RunLoop _loop;
    private readonly IOnlineNetwork _network;
    private readonly RunParts _parts;
    private readonly RunConfig _config;
    private readonly CheckpointStore? _store;
    private readonly ModelDocument _model;
    private readonly string _backend;
    private readonly SystemdNotify _notify;
    private readonly FileStream? _metricsStream;
    private readonly Utf8JsonWriter? _metrics;
    private readonly long _statusTicks;
    private readonly long _checkpointTicks;
    private readonly bool _terminal;
    private long _nextStatus;
    private long _lastStatusTime;
    private long _lastStatusSteps;
    private long _lastCheckpointTime;

    public RunReporter(RunLoop loop, RunParts parts, RunConfig config, ModelDocument model, CheckpointStore? store, string backend,
        SystemdNotify notify, string? metricsPath)
    {
        _loop = loop;
        _parts = parts;
        _network = parts.Network;
        _config = config;
        _model = model;
        _store = store;
        _backend = backend;
        _notify = notify;
        _statusTicks = (long)(config.StatusSeconds * Stopwatch.Frequency);
        _checkpointTicks = (long)(config.Checkpoint.EverySeconds * Stopwatch.Frequency);
        _terminal = !Console.IsErrorRedirected;
        if (metricsPath is not null)
        {
            try
            {
                _metricsStream = new FileStream(metricsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RunFileException($"--metrics: {metricsPath}: cannot open for writing: {e.Message}", e);
            }

            _metrics = new Utf8JsonWriter(_metricsStream);
        }
    }

    /// <summary>Steps held by the newest checkpoint this process wrote or loaded; -1: none.</summary>
    public long LastCheckpointSteps { get; set; } = -1;

    public string? LastCheckpointError { get; private set; }

    public void Start(long now)
    {
        _lastStatusTime = now;
        _lastCheckpointTime = now;
        _nextStatus = now + _statusTicks;
        _lastStatusSteps = _loop.Counters.Steps;
    }

    public void Tick(RunLoop loop, bool final)
    {
        long now = Stopwatch.GetTimestamp();
        _notify.Watchdog(now);
        var c = loop.Counters;
        var ck = _config.Checkpoint;
        if (_store is not null && !final &&
            ((ck.EverySteps > 0 && c.Steps - Math.Max(LastCheckpointSteps, 0) >= ck.EverySteps) ||
             (_checkpointTicks > 0 && now - _lastCheckpointTime >= _checkpointTicks)))
        {
            SaveCheckpoint(now);
        }

        if (final || now >= _nextStatus)
        {
            _nextStatus = now + _statusTicks;
            Status(now, final);
        }
    }

    public void Event(RunLoop loop, int score)
    {
        var c = loop.Counters;
        if (_metrics is not null)
        {
            _metrics.WriteStartObject();
            _metrics.WriteString("event", "anomaly");
            _metrics.WriteNumber("t", Seconds(Stopwatch.GetTimestamp() - c.StartTimestamp));
            _metrics.WriteNumber("step", c.Steps);
            _metrics.WriteNumber("score", Math.ScaleB(score, -SurpriseScore.ScoreFrac));
            _metrics.WriteNumber("threshold", _config.Anomaly.Threshold);
            _metrics.WriteEndObject();
            EndLine();
        }
    }

    public CheckpointSaveResult? SaveCheckpoint(long now)
    {
        if (_store is null)
        {
            return null;
        }

        _lastCheckpointTime = now;
        var result = _store.Save(_network, _model, _backend);
        if (result.Saved)
        {
            LastCheckpointSteps = result.Steps;
            LastCheckpointError = null;
        }
        else if (LastCheckpointError != result.Error)
        {
            LastCheckpointError = result.Error;
            Console.Error.WriteLine($"olrt run: checkpoint {_store.Path} not written: {OlrtCommand.Clean(result.Error ?? "unknown error")} (the previous one is kept)");
        }

        return result;
    }

    private void Status(long now, bool final)
    {
        var c = _loop.Counters;
        var inv = CultureInfo.InvariantCulture;
        double elapsed = Seconds(now - _lastStatusTime);
        double rate = elapsed > 0 ? (c.Steps - _lastStatusSteps) / elapsed : 0;
        double? loss = c.LossCount > 0 ? Math.ScaleB((double)c.LossSum / c.LossCount, -_network.LossFormat.FracBits) : null;
        double? accuracy = c.Labeled > 0 ? (double)c.Correct / c.Labeled : null;
        bool anomaly = _parts.Learning == LearningSignal.NextSample;
        double score = Math.ScaleB(c.Score, -SurpriseScore.ScoreFrac);
        double maxScore = Math.ScaleB(c.MaxScoreSinceStatus, -SurpriseScore.ScoreFrac);
        long saturations = _network.Health().TotalSaturations + _parts.Encoder.Saturations;
        var health = _parts.Source.Health;
        string checkpoint = _store is null ? "off"
            : LastCheckpointError is not null ? "FAILED"
            : LastCheckpointSteps < 0 ? "none yet" : $"step {LastCheckpointSteps}";

        string line = string.Create(inv, $"olrt run: step {c.Steps} | {rate:0} steps/s | loss {(loss is null ? "-" : loss.Value.ToString("0.00000", inv))} | ") +
                      (anomaly
                          ? string.Create(inv, $"anomaly {score:0.00} (max {maxScore:0.00}, events {c.Events})")
                          : $"accuracy {(accuracy is null ? "-" : accuracy.Value.ToString("P1", inv))}") +
                      string.Create(inv, $" | saturations {saturations} | deadline misses {c.DeadlineMisses} | sensor faults {health.Faults} lost {health.FramesLost} | checkpoint {checkpoint}");
        if (_terminal && !final)
        {
            Console.Error.Write("\r" + line.PadRight(Math.Max(line.Length, 150)));
        }
        else
        {
            Console.Error.WriteLine(_terminal ? "\r" + line : line);
        }

        if (_notify.Enabled)
        {
            _notify.Send("STATUS=" + line["olrt run: ".Length..]);
        }

        if (_metrics is not null)
        {
            _metrics.WriteStartObject();
            _metrics.WriteNumber("t", Seconds(now - c.StartTimestamp));
            _metrics.WriteNumber("step", c.Steps);
            _metrics.WriteNumber("steps_per_s", Math.Round(rate, 1));
            WriteNullable("loss", loss);
            if (anomaly)
            {
                _metrics.WriteNumber("anomaly_score", score);
                _metrics.WriteNumber("anomaly_max", maxScore);
                _metrics.WriteNumber("anomaly_events", c.Events);
            }
            else
            {
                WriteNullable("accuracy", accuracy);
            }

            _metrics.WriteNumber("saturations", saturations);
            _metrics.WriteNumber("deadline_misses", c.DeadlineMisses);
            _metrics.WriteNumber("sensor_faults", health.Faults);
            _metrics.WriteNumber("frames_lost", health.FramesLost);
            if (LastCheckpointSteps >= 0)
            {
                _metrics.WriteNumber("checkpoint_step", LastCheckpointSteps);
            }
            else
            {
                _metrics.WriteNull("checkpoint_step");
            }

            _metrics.WriteBoolean("final", final);
            _metrics.WriteEndObject();
            EndLine();
        }

        _lastStatusTime = now;
        _lastStatusSteps = c.Steps;
        c.LossSum = 0;
        c.LossCount = 0;
        c.Correct = 0;
        c.Labeled = 0;
        c.MaxScoreSinceStatus = 0;
    }

    private void WriteNullable(string name, double? value)
    {
        if (value is null)
        {
            _metrics!.WriteNull(name);
        }
        else
        {
            _metrics!.WriteNumber(name, value.Value);
        }
    }

    private void EndLine()
    {
        _metrics!.Flush();
        _metricsStream!.WriteByte((byte)'\n');
        _metricsStream.Flush();
        _metrics.Reset();
    }

    private static double Seconds(long ticks) => Math.Round((double)ticks / Stopwatch.Frequency, 3);

    public void Dispose()
    {
        _metrics?.Dispose();
        _metricsStream?.Dispose();
    }
}
