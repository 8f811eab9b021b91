using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Data;
using OnlineLearning.Numerics.Kernels;
using OnlineLearning.Sensors;

namespace OnlineLearning.Cli.Runs;

/// <summary>
/// <c>olrt run</c>: the on-device loop (acquire, encode, step, learn, report) configured by a JSON file, or with no
/// file the embedded default: the bundled ECG through the simulated ADS1115, learning next-sample prediction, with a
/// summary against baselines at the end. docs/run.md documents the config.
/// </summary>
internal static class RunCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var config = new Option<string?>("--config")
        {
            Description = "The run configuration (JSON; docs/run.md). Without it: the bundled ECG through a simulated ADS1115, learning next-sample prediction, then a summary.",
        };
        var metrics = new Option<string?>("--metrics") { Description = "Append the status figures and anomaly events to this file as JSON lines." };
        var check = new Option<bool>("--check") { Description = "Validate the config (model, encoder, source shape, learning signal) without opening any hardware, and exit: 0 valid, 2 invalid." };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Stop after this many steps in this process (overrides the config's max_steps)." };
        var command = new Command("run", "Acquire, encode, step and learn online, paced to the sensor, with checkpoints, a status line and optional JSON-lines metrics.")
        {
            config, metrics, check, maxSteps,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is null)
            {
                return 2;
            }

            return Execute(parse.GetValue(config), parse.GetValue(metrics), parse.GetValue(check), parse.GetValue(maxSteps));
        });
        return command;
    }

    private static int Execute(string? configPath, string? metricsPath, bool check, long? maxSteps)
    {
        try
        {
            return RunOrCheck(configPath, metricsPath, check, maxSteps);
        }
        catch (RunConfigException e)
        {
            return Fail(e.Message, 2);
        }
        catch (RunFileException e)
        {
            return Fail(e.Message, 1);
        }
        catch (DataFileException e)
        {
            return Fail(e.Message, 1);
        }
        catch (CheckpointException e)
        {
            return Fail(e.Message, 1);
        }
        catch (SensorConfigException e)
        {
            return Fail(e.Message, 1);
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"olrt run: {OlrtCommand.Clean(message)}");
        return code;
    }

    private static int RunOrCheck(string? configPath, string? metricsPath, bool check, long? maxStepsOption)
    {
        if (maxStepsOption is < 0)
        {
            throw RunConfigException.Field("--max-steps", maxStepsOption.Value.ToString(CultureInfo.InvariantCulture), "must be 0 (no limit) or more");
        }

        var config = configPath is null ? RunConfig.Parse("built-in default", RunSetup.DefaultConfig) : RunConfig.Load(configPath);
        ModelDocument model;
        Core.Networks.IOnlineNetwork network;
        RunParts parts;
        try
        {
            model = RunSetup.Model(config);
            network = RunSetup.Network(config, model);
            parts = RunSetup.Build(config, network, openHardware: !check);
        }
        catch (RunConfigException e)
        {
            throw new RunConfigException($"{config.Name}: {e.Message}", e);
        }

        using var partsScope = parts;
        string backend = Backends.Name(Backends.Current.Backend);
        if (check)
        {
            Console.WriteLine($"olrt run --check: {config.Name}: valid: {parts.Source.Describe()} -> {config.Encoder.Type} encoder " +
                              $"({parts.Encoder.OutputChannels} inputs) -> {network.Family} model ({network.Inputs} in, {network.Outputs} out, rule {network.Rule}), " +
                              $"learning {Name(config.Learning)}");
            return 0;
        }

        CheckpointStore? store = null;
        long resumed = 0;
        if (config.Checkpoint.Path is not null)
        {
            store = new CheckpointStore(config.Checkpoint.Path);
            string dir = Path.GetDirectoryName(store.Path)!;
            if (!Directory.Exists(dir))
            {
                throw new RunFileException($"checkpoint.path: {config.Checkpoint.Path}: the directory {dir} does not exist");
            }

            var load = store.Load(network);
            foreach (string note in load.Notes)
            {
                Console.Error.WriteLine($"olrt run: checkpoint: {note}");
            }

            resumed = network.Health().Steps;
        }

        RunTrace? trace = config.Evaluate && parts.ChipSamples is not null ? new RunTrace(parts.ChipSamples.Length) : null;
        var loop = new RunLoop(parts, config.Anomaly, trace);
        loop.Counters.Steps = resumed;
        using var notify = SystemdNotify.FromEnvironment();
        using var reporter = new RunReporter(loop, parts, config, model, store, backend, notify, metricsPath);
        reporter.LastCheckpointSteps = store is null || resumed == 0 ? -1 : resumed;
        loop.Periodic = reporter.Tick;
        loop.AnomalyEvent = reporter.Event;

        Console.Error.WriteLine($"olrt run: {config.Name}: {parts.Source.Describe()}");
        Console.Error.WriteLine($"olrt run: {config.Encoder.Type} encoder -> {network.Family} model {model.Name} ({network.Inputs} in, {network.Outputs} out), rule {network.Rule}, " +
                                $"learning {Name(config.Learning)}, backend {backend}" + (resumed > 0 ? $", resuming at step {resumed}" : string.Empty));

        RunStop stop;
        Action<PosixSignalContext> onSignal = context =>
        {
            context.Cancel = true;
            loop.RequestStop();
        };
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal))
        {
            reporter.Start(Stopwatch.GetTimestamp());
            notify.Send("READY=1");
            stop = loop.Run(maxStepsOption ?? config.MaxSteps);
            notify.Send("STOPPING=1");
        }

        long end = Stopwatch.GetTimestamp();
        var saved = reporter.SaveCheckpoint(end);
        reporter.Tick(loop, final: true);
        PrintSummary(config, parts, loop, stop, trace, saved, end);
        return saved is { Saved: false } ? 1 : 0;
    }

    private static void PrintSummary(RunConfig config, RunParts parts, RunLoop loop, RunStop stop, RunTrace? trace, CheckpointSaveResult? saved, long end)
    {
        var c = loop.Counters;
        var net = parts.Network;
        var health = net.Health();
        var inv = CultureInfo.InvariantCulture;
        double seconds = (double)(end - c.StartTimestamp) / Stopwatch.Frequency;

        // Timing varies from run to run: standard error. Everything on standard output is deterministic for a
        // simulated source, so runs on different machines can be diffed.
        Console.Error.WriteLine(string.Create(inv,
            $"olrt run: {c.StepsThisRun} steps in {seconds:0.00} s ({c.StepsThisRun / Math.Max(seconds, 1e-9):0} steps/s, {seconds * 1e6 / Math.Max(c.StepsThisRun, 1):0.0} us/step); " +
            $"deadline misses {c.DeadlineMisses} (step work over the {1000.0 / parts.Source.SampleRateHz:0.00} ms sample period)"));

        var text = new StringBuilder();
        text.Append(inv, $"olrt run summary: {config.Name}\n");
        text.Append(inv, $"source:             {parts.Source.Describe()}\n");
        text.Append(inv, $"model:              {net.Family}, rule {net.Rule}, {net.Inputs} in, {net.Outputs} out, plan {net.Plan.FingerprintText}, learning {Name(config.Learning)}, learning rate {config.LearningRate}\n");
        string why = stop switch
        {
            RunStop.FrameBudget => $"after {config.Source.Loops} pass(es) over the recording",
            RunStop.MaxSteps => "at the step limit",
            RunStop.Signal => "on a signal",
            _ => "at the end of the stream",
        };
        text.Append(inv, $"steps:              {c.StepsThisRun} this run, {c.Steps} in total; {c.Frames} frames; stopped {why}\n");
        text.Append(inv, $"health:             network saturations {health.TotalSaturations}, encoder saturations {parts.Encoder.Saturations}, sensor faults {c.Faults + parts.Source.Health.Faults}, frames lost {parts.Source.Health.FramesLost}\n");
        if (parts.Learning == LearningSignal.NextSample)
        {
            text.Append(inv, $"anomaly events:     {c.Events} (score above {config.Anomaly.Threshold})\n");
        }
        else if (c.LabeledTotal > 0)
        {
            text.Append(inv, $"accuracy:           {(double)c.CorrectTotal / c.LabeledTotal:P2} of {c.LabeledTotal} labelled steps (online, before each update)\n");
        }

        text.Append(inv, $"allocated in loop:  {c.AllocatedBytes} bytes over {c.MeasuredFrames} frames ({(double)c.AllocatedBytes / Math.Max(c.MeasuredFrames, 1):0.###} bytes per frame; acquire, encode, step, learn)\n");
        if (saved is not null)
        {
            text.Append(inv, $"checkpoint:         {(saved.Saved ? $"step {saved.Steps} written" : $"NOT written: {saved.Error}")}\n");
        }

        if (trace is not null && parts.ChipSamples is not null && trace.Retained > EcgEvaluation.ArOrder * 2)
        {
            var result = EcgEvaluation.Evaluate(trace, parts.ChipSamples, parts.Artifacts, parts.Source.SampleRateHz,
                parts.Encoder.OutputFormat.FracBits, net.OutputFormat.FracBits);
            text.Append(EcgEvaluation.Format(result));
        }

        Console.Out.Write(text.ToString());
    }

    private static string Name(LearningSignal signal) => signal switch
    {
        LearningSignal.NextSample => "next-sample",
        LearningSignal.RecordingLabels => "recording-labels",
        LearningSignal.GpioLabels => "gpio-labels",
        _ => "none",
    };
}
