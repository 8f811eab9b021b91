using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Tasks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt soak</c>: learns online, through <see cref="IOnlineNetwork"/> only, on an endless generated stream that
/// is a pure function of (seed, step index); checkpoints periodically and on SIGTERM/SIGINT; shows a live status
/// line; and ends with a summary that includes the bytes the step loop allocated after warm-up (which must be 0).
/// </summary>
/// <remarks>
/// Exit codes: 0 done; 1 unusable model or checkpoint (another plan's checkpoint); 2 bad option; 3 learning ran
/// but the last checkpoint save failed; 4 the step loop allocated after warm-up.
/// </remarks>
internal static class SoakCommand
{
    private const int ExitSaveFailed = 3, ExitAllocated = 4;

    // Steps between looks at the clock and the stop flag; also the allocation-measurement granularity.
    private const int Chunk = 64;

    private static int _stopRequested;
    private static int _stopSignal;

    public static Command Create(Option<string?> backendOption)
    {
        var model = new Option<FileInfo>("--model") { Description = "Model file (JSON; see docs/models.md).", Required = true };
        var rule = new Option<string?>("--rule") { Description = "Learning rule. Default: the family's (ostl for spiking nets, online for LRUs)." };
        var steps = new Option<string?>("--steps")
        {
            Description = "Run until the network has taken this many steps in total (a resumed run counts the checkpoint's steps). " +
                          "Default: until SIGTERM or SIGINT. 0 only loads the checkpoint and prints the summary.",
        };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file: resumed from at start (or its .prev), saved to periodically and at exit." };
        var every = new Option<string?>("--every") { Description = "Checkpoint period: N steps, or N seconds with a trailing s (\"30s\"). Default: 60s." };
        var seed = new Option<string?>("--seed") { Description = "Seed of the generated stream and of stochastic rounding. Default: 1." };
        var learningRate = new Option<string?>("--lr") { Description = "SGD learning rate (a fresh network's; a checkpoint keeps its own). Default: 0.01." };
        var momentum = new Option<string?>("--momentum") { Description = "SGD momentum in [0, 1). Default: 0." };
        var schedule = new Option<string?>("--schedule") { Description = "When updates apply: immediate (default), every:K (every K steps) or sequence (at sample ends)." };
        var quiet = new Option<bool>("--quiet") { Description = "No live status line." };
        var json = new Option<string?>("--json") { Description = "Also write the summary as JSON to this file." };
        var finalState = new Option<string?>("--final-state")
        {
            Description = "At the end, write the network's saved state (a checkpoint with a zero timestamp) here, for byte comparison.",
        };
        var logSaves = new Option<bool>("--log-saves") { Description = "Print a line on standard error before and after every checkpoint save.", Hidden = true };
        var command = new Command("soak",
            "Learn online for a long time on a generated, seeded stream (T-Randman spikes for spiking nets, next-sample " +
            "prediction of a sum of sines for LRUs), checkpointing periodically and on SIGTERM/SIGINT. Live status on " +
            "standard error, summary on standard output. Exit 3: the last checkpoint save failed; 4: the step loop allocated.")
        {
            model, rule, steps, checkpoint, every, seed, learningRate, momentum, schedule, quiet, json, finalState, logSaves,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is not QKernels kernels)
            {
                return 2;
            }

            return OlrtCommand.ReportingUserErrors("soak", () =>
            {
                var settings = SoakSettings.Parse(
                    parse.GetValue(model)!.FullName, parse.GetValue(rule), parse.GetValue(steps), parse.GetValue(checkpoint), parse.GetValue(every),
                    parse.GetValue(seed), parse.GetValue(learningRate), parse.GetValue(momentum), parse.GetValue(schedule));
                settings = settings with
                {
                    Quiet = parse.GetValue(quiet),
                    JsonPath = parse.GetValue(json),
                    FinalStatePath = parse.GetValue(finalState),
                    LogSaves = parse.GetValue(logSaves),
                };
                return Run(settings, kernels);
            });
        });
        return command;
    }

    private static int Run(SoakSettings settings, QKernels kernels)
    {
        var model = ModelDocument.Load(settings.ModelPath);
        IOnlineNetwork network = NetworkFactory.Create(model.Spec, new NetworkOptions
        {
            Rule = settings.Rule,
            Schedule = settings.Schedule,
            Sgd = new SgdOptions { LearningRate = settings.LearningRate, Momentum = settings.Momentum, Seed = unchecked((ulong)settings.Seed) },
            Kernels = kernels,
        });
        string backend = Backends.Name(kernels.Backend);
        var store = settings.CheckpointPath is null ? null : new CheckpointStore(settings.CheckpointPath);
        string? loadedFrom = null;
        if (store is not null)
        {
            try
            {
                var loaded = store.Load(network);
                loadedFrom = loaded.UsedPath;
                foreach (string note in loaded.Notes)
                {
                    Console.Error.WriteLine($"checkpoint: {note}");
                }
            }
            catch (CheckpointException e)
            {
                Console.Error.WriteLine($"olrt soak: {e.Message}");
                return 1;
            }
        }

        ISoakSource stream = SoakStreams.For(network, settings.Seed);
        var run = new SoakRun(settings, network, stream, store, model, backend) { LoadedFrom = loadedFrom };
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal))
        {
            run.Loop();
        }

        run.Finish();
        return run.ExitCode;
    }

    private static void OnSignal(PosixSignalContext context)
    {
        // Finish the current step, save, exit: the loop polls this flag between steps.
        context.Cancel = true;
        Interlocked.Exchange(ref _stopSignal, (int)context.Signal);
        Interlocked.Exchange(ref _stopRequested, 1);
    }

    private static bool StopRequested => Volatile.Read(ref _stopRequested) != 0;

    /// <summary>Options after validation; every problem is one <see cref="ArgumentException"/> line (exit 2).</summary>
    private sealed record SoakSettings
    {
        public required string ModelPath { get; init; }

        public string? Rule { get; init; }

        /// <summary>Total network steps to reach; null runs until a signal.</summary>
        public long? TargetSteps { get; init; }

        public string? CheckpointPath { get; init; }

        /// <summary>Save every this many steps (0: by time).</summary>
        public long EverySteps { get; init; }

        /// <summary>Save every this long (when <see cref="EverySteps"/> is 0).</summary>
        public TimeSpan EveryTime { get; init; }

        public long Seed { get; init; } = 1;

        public double LearningRate { get; init; } = 0.01;

        public double Momentum { get; init; }

        public UpdateSchedule Schedule { get; init; } = UpdateSchedule.Immediate;

        public bool Quiet { get; init; }

        public string? JsonPath { get; init; }

        public string? FinalStatePath { get; init; }

        public bool LogSaves { get; init; }

        public static SoakSettings Parse(string model, string? rule, string? steps, string? checkpoint, string? every, string? seed,
            string? learningRate, string? momentum, string? schedule)
        {
            long? target = null;
            if (steps is not null)
            {
                target = ParseLong("--steps", steps);
                if (target < 0)
                {
                    throw new ArgumentException($"--steps must be 0 or more, not {steps}");
                }
            }

            if (every is not null && checkpoint is null)
            {
                throw new ArgumentException("--every needs --checkpoint");
            }

            if (checkpoint is not null && string.IsNullOrWhiteSpace(checkpoint))
            {
                throw new ArgumentException("--checkpoint needs a file path");
            }

            long everySteps = 0;
            TimeSpan everyTime = TimeSpan.FromSeconds(60);
            if (every is not null)
            {
                string text = every.Trim();
                bool seconds = text.EndsWith('s');
                if (seconds)
                {
                    double s = double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
                    if (!double.IsFinite(s) || s <= 0 || s > 1e7)
                    {
                        throw new ArgumentException($"--every takes N steps or N seconds (\"30s\") with N > 0, not '{every}'");
                    }

                    everyTime = TimeSpan.FromSeconds(s);
                }
                else if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out everySteps) || everySteps <= 0)
                {
                    throw new ArgumentException($"--every takes N steps or N seconds (\"30s\") with N > 0, not '{every}'");
                }
            }

            double lr = learningRate is null ? 0.01 : ParseDouble("--lr", learningRate);
            if (!(lr > 0) || !double.IsFinite(lr))
            {
                throw new ArgumentException($"--lr must be a finite number above 0, not {learningRate}");
            }

            double m = momentum is null ? 0 : ParseDouble("--momentum", momentum);
            if (!(m >= 0 && m < 1))
            {
                throw new ArgumentException($"--momentum must be in [0, 1), not {momentum}");
            }

            return new SoakSettings
            {
                ModelPath = model,
                Rule = rule,
                TargetSteps = target,
                CheckpointPath = checkpoint,
                EverySteps = everySteps,
                EveryTime = everyTime,
                Seed = seed is null ? 1 : ParseLong("--seed", seed),
                LearningRate = lr,
                Momentum = m,
                Schedule = ParseSchedule(schedule),
            };
        }

        private static UpdateSchedule ParseSchedule(string? text)
        {
            switch (text?.Trim())
            {
                case null or "immediate":
                    return UpdateSchedule.Immediate;
                case "sequence":
                    return UpdateSchedule.SequenceEnd;
                case string s when s.StartsWith("every:", StringComparison.Ordinal):
                    if (int.TryParse(s.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1)
                    {
                        return UpdateSchedule.Every(k);
                    }

                    break;
            }

            throw new ArgumentException($"--schedule takes immediate, every:K (K >= 1) or sequence, not '{text}'");
        }

        private static long ParseLong(string option, string text) =>
            long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
                ? v
                : throw new ArgumentException($"{option} takes a whole number, not '{text}'");

        private static double ParseDouble(string option, string text) =>
            double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? v
                : throw new ArgumentException($"{option} takes a number, not '{text}'");
    }

    /// <summary>Mean loss over the whole run in at most <see cref="Buckets"/> windows that merge pairwise as the run grows (no allocation).</summary>
    private sealed class LossWindows
    {
        private const int Buckets = 256;
        private readonly double[] _sum = new double[Buckets];
        private readonly long[] _count = new long[Buckets];
        private int _current;

        public long WindowSteps { get; private set; } = 32;

        public long FirstStep { get; set; }

        public void Add(double loss)
        {
            _sum[_current] += loss;
            if (++_count[_current] < WindowSteps)
            {
                return;
            }

            if (++_current == Buckets)
            {
                for (int i = 0; i < Buckets / 2; i++)
                {
                    _sum[i] = _sum[2 * i] + _sum[(2 * i) + 1];
                    _count[i] = _count[2 * i] + _count[(2 * i) + 1];
                }

                Array.Clear(_sum, Buckets / 2, Buckets / 2);
                Array.Clear(_count, Buckets / 2, Buckets / 2);
                _current = Buckets / 2;
                WindowSteps *= 2;
            }
        }

        /// <summary>(mean, first step, steps) of the first, middle and last windows; the last includes the partial one.</summary>
        public (double Mean, long From, long Steps)[] StartMiddleEnd()
        {
            int complete = _current;
            if (complete == 0)
            {
                return _count[0] == 0 ? [] : [Window(0, 0)];
            }

            int last = complete - 1;
            var end = _count[complete] > 0 ? Window(last, complete) : Window(last, last);
            return [Window(0, 0), Window(complete / 2, complete / 2), end];
        }

        private (double Mean, long From, long Steps) Window(int first, int last)
        {
            double sum = 0;
            long count = 0;
            for (int i = first; i <= last; i++)
            {
                sum += _sum[i];
                count += _count[i];
            }

            return (count == 0 ? double.NaN : sum / count, FirstStep + (first * WindowSteps), count);
        }
    }

    /// <summary>One soak run: the step loop, the host work between chunks (checkpoints, status), and the summary.</summary>
    private sealed class SoakRun(SoakSettings settings, IOnlineNetwork network, ISoakSource stream, CheckpointStore? store, ModelDocument model, string backend)
    {
        private readonly short[] _input = new short[network.Inputs];
        private readonly int[] _target = new int[network.Outputs];
        private readonly LossWindows _losses = new();
        private readonly long _warmupSteps = Math.Max(256, 2L * stream.SequenceLength);
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private readonly long _rssStart = Rss();
        private readonly long _startStep = network.Health().Steps;
        private long _position;
        private long _allocated;
        private long _measuredSteps;
        private long _lastSavedStep = -1;
        private long _lastSaveTicks;
        private string? _saveError;
        private long _failedSaves;
        private long _saves;
        private double _elapsedSeconds;
        private bool _statusShown;

        public string? LoadedFrom { get; init; }

        public int ExitCode { get; private set; }

        public void Loop()
        {
            _position = _startStep;
            _losses.FirstStep = _startStep;
            long target = settings.TargetSteps ?? long.MaxValue;
            long nextSaveStep = settings.EverySteps > 0 ? ((_position / settings.EverySteps) + 1) * settings.EverySteps : long.MaxValue;
            long warmupEnd = _startStep + _warmupSteps;
            long start = Stopwatch.GetTimestamp();
            long lastStatus = start;
            long lastSave = start;
            long statusSteps = 0;
            double statusLoss = 0;
            QFormat lossFormat = network.LossFormat;
            int sequence = stream.SequenceLength;
            while (_position < target && !StopRequested)
            {
                long end = Math.Min(Math.Min(target, _position + Chunk), nextSaveStep);
                if (_position < warmupEnd)
                {
                    end = Math.Min(end, warmupEnd);
                }

                bool measured = _position >= warmupEnd;
                long chunkStart = _position;
                long before = GC.GetAllocatedBytesForCurrentThread();
                double chunkLoss = 0;
                while (_position < end && !StopRequested)
                {
                    int label = stream.Fill(_position, _input, _target);
                    long loss = label >= 0 ? network.StepLabel(_input, label) : network.Step(_input, _target);
                    _position++;
                    if (_position % sequence == 0)
                    {
                        network.EndSequence();
                    }

                    double real = lossFormat.ToDouble(loss);
                    _losses.Add(real);
                    chunkLoss += real;
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (measured)
                {
                    _allocated += allocated;
                    _measuredSteps += _position - chunkStart;
                }

                statusSteps += _position - chunkStart;
                statusLoss += chunkLoss;
                long now = Stopwatch.GetTimestamp();
                bool due = settings.EverySteps > 0 ? _position >= nextSaveStep : Stopwatch.GetElapsedTime(lastSave, now) >= settings.EveryTime;
                if (store is not null && due && _position < target && !StopRequested)
                {
                    Save();
                    lastSave = Stopwatch.GetTimestamp();
                    if (settings.EverySteps > 0)
                    {
                        nextSaveStep = ((_position / settings.EverySteps) + 1) * settings.EverySteps;
                    }
                }

                if (Stopwatch.GetElapsedTime(lastStatus, now).TotalSeconds >= 1)
                {
                    Status(statusSteps / Stopwatch.GetElapsedTime(lastStatus, now).TotalSeconds, statusSteps == 0 ? double.NaN : statusLoss / statusSteps);
                    lastStatus = now;
                    statusSteps = 0;
                    statusLoss = 0;
                }
            }

            _elapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (store is not null && _position > _startStep && _lastSavedStep != _position)
            {
                Save();
            }

            if (_statusShown && _terminal)
            {
                Console.Error.WriteLine();
            }

            if (StopRequested)
            {
                Console.Error.WriteLine($"olrt soak: {(Volatile.Read(ref _stopSignal) == (int)PosixSignal.SIGINT ? "SIGINT" : "SIGTERM")}: stopped after step {_position}");
            }
        }

        public void Finish()
        {
            if (settings.FinalStatePath is string path)
            {
                File.WriteAllBytes(path, CheckpointWriter.Serialize(network, model, backend, DateTimeOffset.UnixEpoch));
            }

            var health = network.Health();
            var saturations = health.Saturations.Where(s => s.Events > 0).ToArray();
            (long pinned, long weights) = Pinned();
            var windows = _losses.StartMiddleEnd();
            long rssEnd = Rss();
            long ran = _position - _startStep;
            var o = Console.Out;
            var c = CultureInfo.InvariantCulture;
            o.WriteLine($"soak: {network.Family} rule {network.Rule}, backend {backend}, schedule {ScheduleName(network.Schedule)}");
            o.WriteLine($"stream: {stream.Description}");
            o.WriteLine(string.Create(c, $"network steps: {health.Steps}"));
            o.WriteLine(string.Create(c, $"steps run: {ran} (from step {_startStep}) in {_elapsedSeconds:F2} s, {(ran == 0 || _elapsedSeconds <= 0 ? 0 : ran / _elapsedSeconds):F0} steps/s; updates {health.Updates}, sequences {health.Sequences}"));
            o.WriteLine(string.Create(c, $"allocated after warm-up: {_allocated} bytes over {_measuredSteps} steps (warm-up {_warmupSteps} steps)"));
            o.WriteLine("saturations: " + (saturations.Length == 0 ? "none" : string.Join(", ", saturations.Select(s => string.Create(c, $"{s.Tensor} {s.Events}")))));
            o.WriteLine(string.Create(c, $"pinned weights: {pinned} of {weights} ({(weights == 0 ? 0 : 100.0 * pinned / weights):F3}%) at their format's limit"));
            string[] names = ["start", "middle", "end"];
            o.WriteLine("loss: " + (windows.Length == 0 ? "no steps run" : string.Join(", ", windows.Select((w, i) =>
                string.Create(c, $"{names[windows.Length == 1 ? 0 : i]} {w.Mean:G5} (steps {w.From}..{w.From + w.Steps - 1})")))));
            o.WriteLine(string.Create(c, $"rss: start {Mb(_rssStart)}, end {Mb(rssEnd)}"));
            o.WriteLine("checkpoint: " + CheckpointText(DateTime.UtcNow.Ticks));
            if (settings.JsonPath is string json)
            {
                WriteJson(json, health, saturations, pinned, weights, windows, rssEnd);
            }

            if (_allocated != 0)
            {
                Console.Error.WriteLine($"olrt soak: the step loop allocated {_allocated} bytes after warm-up (must be 0)");
                ExitCode = ExitAllocated;
            }
            else if (_saveError is not null && store is not null)
            {
                ExitCode = ExitSaveFailed;
            }
        }

        private void Save()
        {
            if (settings.LogSaves)
            {
                Console.Error.WriteLine($"saving {_position}");
            }

            var result = store!.Save(network, model, backend);
            _lastSaveTicks = DateTime.UtcNow.Ticks;
            if (result.Saved)
            {
                _saves++;
                _lastSavedStep = result.Steps;
                _saveError = null;
                if (settings.LogSaves)
                {
                    Console.Error.WriteLine($"saved {result.Steps}");
                }
            }
            else
            {
                _failedSaves++;
                _saveError = result.Error;
                if (settings.LogSaves)
                {
                    Console.Error.WriteLine($"save failed {result.Steps}: {result.Error}");
                }
            }
        }

        private void Status(double stepsPerSecond, double loss)
        {
            if (settings.Quiet)
            {
                return;
            }

            long saturations = network.Health().TotalSaturations;
            string line = string.Create(CultureInfo.InvariantCulture,
                $"step {_position}  {stepsPerSecond:F0} steps/s  loss {loss:G4}  saturations {saturations}  alloc {_allocated} B  rss {Mb(Rss())}  checkpoint {CheckpointText(DateTime.UtcNow.Ticks)}");
            if (_terminal)
            {
                Console.Error.Write("\r" + line.PadRight(118) + " ");
            }
            else
            {
                Console.Error.WriteLine(line);
            }

            _statusShown = true;
        }

        private string CheckpointText(long nowTicks)
        {
            if (store is null)
            {
                return "off";
            }

            double age = TimeSpan.FromTicks(nowTicks - _lastSaveTicks).TotalSeconds;
            string lastGood = _lastSavedStep >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"step {_lastSavedStep}, saved {age:F0} s ago")
                : LoadedFrom is null ? "none" : string.Create(CultureInfo.InvariantCulture, $"step {_startStep}, loaded from {LoadedFrom}");
            if (_saveError is not null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"FAILED: {_saveError} ({_failedSaves} failed saves; last good: {lastGood})");
            }

            return _lastSavedStep < 0
                ? $"none saved yet (last good: {lastGood})"
                : string.Create(CultureInfo.InvariantCulture, $"{lastGood} ({_saves} saves) to {store.Path}");
        }

        private (long Pinned, long Weights) Pinned()
        {
            long pinned = 0, weights = 0;
            foreach (var p in network.Parameters)
            {
                if (p.ValueElement == ArenaElement.Int16)
                {
                    foreach (short v in network.Arena.Int16(p.Value))
                    {
                        pinned += v is short.MaxValue or short.MinValue ? 1 : 0;
                    }
                }
                else
                {
                    foreach (int v in network.Arena.Int32(p.Value))
                    {
                        pinned += v is int.MaxValue or int.MinValue ? 1 : 0;
                    }
                }

                weights += p.Count;
            }

            return (pinned, weights);
        }

        private void WriteJson(string path, NetworkHealth health, (string Tensor, long Events)[] saturations, long pinned, long weights,
            (double Mean, long From, long Steps)[] windows, long rssEnd)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("family", network.Family);
                w.WriteString("rule", network.Rule);
                w.WriteString("backend", backend);
                w.WriteString("stream", stream.Description);
                w.WriteNumber("network_steps", health.Steps);
                w.WriteNumber("start_step", _startStep);
                w.WriteNumber("steps_run", _position - _startStep);
                w.WriteNumber("seconds", _elapsedSeconds);
                w.WriteNumber("allocated_after_warmup", _allocated);
                w.WriteNumber("measured_steps", _measuredSteps);
                w.WriteStartObject("saturations");
                foreach (var (tensor, events) in saturations)
                {
                    w.WriteNumber(tensor, events);
                }

                w.WriteEndObject();
                w.WriteNumber("pinned_weights", pinned);
                w.WriteNumber("weights", weights);
                w.WriteNumber("pinned_fraction", weights == 0 ? 0 : (double)pinned / weights);
                string[] names = ["start", "middle", "end"];
                w.WriteStartObject("loss");
                for (int i = 0; i < windows.Length; i++)
                {
                    w.WriteStartObject(names[windows.Length == 1 ? 0 : i]);
                    if (double.IsFinite(windows[i].Mean))
                    {
                        w.WriteNumber("mean", windows[i].Mean);
                    }

                    w.WriteNumber("from_step", windows[i].From);
                    w.WriteNumber("steps", windows[i].Steps);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteNumber("rss_start_bytes", _rssStart);
                w.WriteNumber("rss_end_bytes", rssEnd);
                w.WriteStartObject("checkpoint");
                if (store is not null)
                {
                    w.WriteString("path", store.Path);
                    if (LoadedFrom is not null)
                    {
                        w.WriteString("loaded_from", LoadedFrom);
                    }

                    w.WriteNumber("saves", _saves);
                    w.WriteNumber("failed_saves", _failedSaves);
                    if (_lastSavedStep >= 0)
                    {
                        w.WriteNumber("last_saved_step", _lastSavedStep);
                    }

                    if (_saveError is not null)
                    {
                        w.WriteString("error", _saveError);
                    }
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            File.WriteAllBytes(path, buffer.ToArray());
        }

        private static string ScheduleName(UpdateSchedule schedule) => schedule.Mode switch
        {
            UpdateMode.Immediate => "immediate",
            UpdateMode.EveryK => string.Create(CultureInfo.InvariantCulture, $"every:{schedule.K}"),
            UpdateMode.SequenceEnd => "sequence",
            _ => "never",
        };

        private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MB");

        // Resident set size: /proc/self/statm's second field (pages), else the runtime's working set.
        private static long Rss()
        {
            try
            {
                string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
                if (fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long pages))
                {
                    return pages * Environment.SystemPageSize;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not Linux: fall through.
            }

            return Environment.WorkingSet;
        }
    }
}
