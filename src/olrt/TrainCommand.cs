using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Experiments;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt train</c>: trains a model on a named task or a CSV data set, online, one step at a time through the
/// network contract (or with the float64 reference trainers for <c>--precision f64</c> and <c>--rule bptt</c>),
/// evaluates on held-out data, shows progress on standard error and writes the learning curve as JSON.
/// </summary>
internal static partial class TrainCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(Option<string?> backendOption)
    {
        var task = new Option<string?>("--task") { Description = $"A named task: {string.Join(", ", TaskCatalog.Names)}." };
        var data = new Option<FileInfo?>("--data") { Description = "A training CSV instead of --task: features, a label column and optionally a sequence column." };
        var test = new Option<FileInfo?>("--test") { Description = "The test CSV for --data (default: a seeded 20 % of --data held out)." };
        var labelColumn = new Option<string>("--label-column") { Description = "The label column of --data, by name or 1-based number.", DefaultValueFactory = _ => "label" };
        var sequenceColumn = new Option<string?>("--sequence-column") { Description = "A column whose value groups consecutive rows into sequences (a label per step)." };
        var model = new Option<string?>("--model") { Description = $"A model file, or a preset: {string.Join(", ", ModelPresets.Names)}. Default: the task's preset." };
        var rule = new Option<string?>("--rule") { Description = "ostl, ottt, otpe, approx-otpe, f-otpe (spiking), online, spatial, truncated (LRU), or bptt (float64 only). Default: ostl / online." };
        var precision = new Option<string>("--precision") { Description = "q: the fixed-point runtime; f64: the float64 reference trainer (spiking models).", DefaultValueFactory = _ => "q" };
        precision.AcceptOnlyFromAmong("q", "f64");
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set, 1 to 1000.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of a preset's weights, the rounding, the data order and the spike encoding.", DefaultValueFactory = _ => 1 };
        var subset = new Option<int?>("--subset") { Description = "Train on the first N training samples only." };
        var testSubset = new Option<int?>("--test-subset") { Description = "Evaluate on the first N test samples only." };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, momentum (0.9) or adam (AdamW with --weight-decay).", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "momentum", "adam");
        var lr = new Option<double?>("--lr") { Description = "Learning rate per step, in (0, 8). Default for sgd: 0.01 (0.003 for MNIST-sized inputs); momentum 0.002; adam 0.001." };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Decoupled weight decay for adam, in [0, 1).", DefaultValueFactory = _ => 0 };
        var schedule = new Option<string>("--schedule") { Description = "constant, or cosine decay to 0 over the run (both after --warmup).", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var warmup = new Option<int>("--warmup") { Description = "Training sequences of linear learning-rate warm-up.", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = $"Steps per rate-coded image or CSV row (default {TaskCatalog.ImageSteps} for images, 10 for CSV rows)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the result (settings, learning curve, accuracy) here as JSON." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Save the trained network here as a checkpoint (q only; olrt run and soak resume from it)." };
        var cosineEvery = new Option<int?>("--cosine-every")
        {
            Description = $"Spiking models, online rules: before the first training sample, every N and after the last, the cosine of the rule's gradient " +
                $"to float64 BPTT's on the current weights per layer and model-wide, mean over the first {CosineProbes} test sequences; into the JSON's cosine_curve.",
        };
        var size = new Option<string?>("--size") { Description = "--task copy only: ci (2 layers, N 32, H 64, pattern 10; the default) or full (4 layers, N 64, H 128, pattern 20, seed 004 Table 1)." };
        var command = new Command("train",
            "Train a model online on a task or a CSV data set and report the held-out accuracy; progress on standard error, result as JSON.")
        {
            task, data, test, labelColumn, sequenceColumn, model, rule, precision, epochs, seed, subset, testSubset, optimizer, lr, weightDecay,
            schedule, warmup, steps, output, checkpoint, cosineEvery, size,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is null)
            {
                return 2;
            }

            return OlrtCommand.ReportingUserErrors("train", () => Run(new Settings(
                parse.GetValue(task), parse.GetValue(data)?.FullName, parse.GetValue(test)?.FullName, parse.GetValue(labelColumn)!, parse.GetValue(sequenceColumn),
                parse.GetValue(model), parse.GetValue(rule), parse.GetValue(precision)!, parse.GetValue(epochs), parse.GetValue(seed),
                parse.GetValue(subset), parse.GetValue(testSubset), parse.GetValue(optimizer)!, parse.GetValue(lr), parse.GetValue(weightDecay),
                parse.GetValue(schedule)!, parse.GetValue(warmup), parse.GetValue(steps), parse.GetValue(output)?.FullName, parse.GetValue(checkpoint),
                parse.GetValue(cosineEvery), parse.GetValue(size))));
        });
        return command;
    }

    private sealed record Settings(
        string? Task, string? Data, string? Test, string LabelColumn, string? SequenceColumn, string? Model, string? Rule, string Precision,
        int Epochs, int Seed, int? Subset, int? TestSubset, string Optimizer, double? LearningRate, double WeightDecay, string Schedule,
        int Warmup, int? Steps, string? Out, string? Checkpoint, int? CosineEvery, string? Size);

    /// <summary>Test sequences the --cosine-every alignment is averaged over.</summary>
    private const int CosineProbes = 4;

    private static int Run(Settings s)
    {
        Validate(s);
        if (s.Out is not null)
        {
            AtomicFile.CheckWritable(s.Out);
        }

        if (s.Task is not null && TaskCatalog.IsRegression(s.Task))
        {
            return RunEcg(s);
        }

        if (s.Task == "copy")
        {
            return RunCopy(s);
        }

        // The model first (its family decides the encoding), then the data.
        var document = LoadModel(s.Model ?? DefaultPreset(s), s.Seed, s.Model is null || ModelPresets.TryGet(s.Model, out _));
        string family = document.Spec is SnnSpec ? "snn" : "lru";
        var taskData = LoadData(s, family);
        var train = taskData.Train.Take(s.Subset);
        var testSet = taskData.Test.Take(s.TestSubset);
        if (train.Count == 0 || testSet.Count == 0)
        {
            throw new ArgumentException("the training and test sets must not be empty");
        }

        if (train.Inputs != document.Spec.Inputs)
        {
            throw new ArgumentException($"the data has {train.Inputs} inputs per step but the model takes {document.Spec.Inputs}");
        }

        if (train.Classes > document.Spec.Outputs)
        {
            throw new ArgumentException($"the data has {train.Classes} classes but the model has {document.Spec.Outputs} outputs");
        }

        string rule = s.Rule ?? NetworkFactory.DefaultRule(document.Spec);
        bool f64 = s.Precision == "f64" || rule == "bptt";
        var sgd = Optimizer(s, taskData.SgdLearningRate);
        ISequenceLearner learner;
        OnlineNetwork? network = null;
        if (f64)
        {
            if (document.Spec is not SnnSpec snn)
            {
                throw new ArgumentException("--precision f64 and --rule bptt train spiking models here; LRU stacks train in fixed point (use olrt grads for LRU float64 gradients)");
            }

            if (sgd.Kind != OptimizerKind.Sgd || sgd.Momentum != 0)
            {
                throw new ArgumentException("the float64 reference trainers use plain SGD: leave out --optimizer");
            }

            if (s.Checkpoint is not null)
            {
                throw new ArgumentException("--checkpoint saves the fixed-point network: use --precision q");
            }

            learner = new SnnFloatLearner(snn, RuleNames.ParseSnn(rule), sgd.LearningRate);
        }
        else
        {
            network = NetworkFactory.Create(document.Spec, new NetworkOptions { Rule = rule, Schedule = UpdateSchedule.Immediate, Sgd = sgd });
            learner = new NetworkLearner(network);
        }

        var alignment = Alignment(s, document.Spec, rule, f64, testSet, train.PerStepLabels);
        var cosine = new List<(long Samples, double[] Cosine)>();
        var options = new TrainerOptions
        {
            Probe = alignment is null ? null : seen =>
            {
                // Host side, between sequences: the current weights as a float64 spec (the fixed-point master weights in real units).
                var current = learner is SnnFloatLearner floatLearner
                    ? floatLearner.Spec
                    : SnnAlignment.WithWeights((SnnSpec)document.Spec, network!);
                var c = alignment.Measure(current);
                cosine.Add((seen, c));
                Console.Error.WriteLine(string.Create(Inv,
                    $"cosine to BPTT after {seen} samples: {string.Join(", ", SnnAlignment.Layers(current).Select((name, i) => $"{name} {c[i]:F3}"))}"));
            },
            ProbeEvery = s.CosineEvery ?? 1,
            Epochs = s.Epochs,
            ShuffleSeed = s.Seed,
            Schedule = s.Schedule == "cosine" || s.Warmup > 0
                ? new LearningRateSchedule
                {
                    Kind = s.Schedule == "cosine" ? ScheduleKind.Cosine : ScheduleKind.Constant,
                    WarmupUpdates = s.Warmup,
                    TotalUpdates = (long)train.Count * s.Epochs,
                }
                : null,
            ProgressEvery = Math.Max(1, Math.Min(50, train.Count / 20)),
        };
        string setting = string.Create(Inv,
            $"{taskData.Name}: {train.Count} training / {testSet.Count} test samples ({taskData.Encoding}); model {document.Name} ({family}), rule {rule}, " +
            $"precision {(f64 ? "f64" : "q")}, {s.Optimizer} lr {sgd.LearningRate:G4}, {s.Epochs} epoch(s), seed {s.Seed}");
        Console.Error.WriteLine($"olrt train: {setting}");
        var bar = new ProgressBar();
        var clock = Stopwatch.StartNew();
        var curve = OnlineTrainer.Run(learner, train, testSet, options, bar.Show);
        bar.Finish();
        double seconds = clock.Elapsed.TotalSeconds;
        var last = curve[^1];
        foreach (var point in curve)
        {
            Console.Error.WriteLine(string.Create(Inv,
                $"epoch {point.Epoch}: train loss {point.TrainLoss:F4}, online train accuracy {point.TrainAccuracy:P2}, test accuracy {point.TestAccuracy:P2}, {point.SamplesPerSecond:F0} samples/s"));
        }

        if (network is not null && s.Checkpoint is not null)
        {
            var store = new CheckpointStore(s.Checkpoint);
            var saved = store.Save(network, document, Backends.Name(Backends.Current.Backend));
            if (!saved.Saved)
            {
                Console.Error.WriteLine($"olrt train: cannot write {store.Path}: {saved.Error}");
                return 1;
            }

            Console.Error.WriteLine($"olrt train: checkpoint at step {saved.Steps} -> {store.Path}");
        }

        var majority = Majority(train, testSet);
        string json = Json(s, taskData, train, testSet, document, family, rule, f64, sgd, curve, seconds, network, majority, alignment, cosine);
        if (s.Out is not null)
        {
            AtomicFile.WriteAllText(s.Out, json);
        }

        Console.WriteLine(string.Create(Inv,
            $"test accuracy {last.TestAccuracy:P2}, majority class {majority.Accuracy:P2} ({taskData.Name}, {rule}, {(f64 ? "f64" : "q")}, {train.Count} training samples, {s.Epochs} epoch(s), {seconds:F1} s)"));
        return 0;
    }

    /// <summary>The --cosine-every probe (null without it), after checking that it applies.</summary>
    private static SnnAlignment? Alignment(Settings s, ModelSpec spec, string rule, bool f64, SequenceSet test, bool perStepLabels)
    {
        if (s.CosineEvery is null)
        {
            return null;
        }

        if (spec is not SnnSpec snn)
        {
            throw new ArgumentException("--cosine-every compares spiking rules with BPTT: the model is not a spiking network (LRU gradients: olrt grads)");
        }

        if (rule == "bptt")
        {
            throw new ArgumentException("--cosine-every compares an online rule with BPTT: not with --rule bptt");
        }

        if (perStepLabels)
        {
            throw new ArgumentException("--cosine-every needs a task with one label per sequence");
        }

        var probes = Enumerable.Range(0, Math.Min(CosineProbes, test.Count)).Select(i =>
        {
            var rows = new double[test.Length(i)][];
            for (int t = 0; t < rows.Length; t++)
            {
                rows[t] = new double[test.Inputs];
                test.Fill(i, t, -1, rows[t]);
            }

            return (rows, test.Label(i, 0));
        }).ToArray();
        return new SnnAlignment(probes, snn.Outputs, rule, f64 ? "f64" : "q");
    }

    /// <summary>The training set's most frequent label (per step for a label per step) and its accuracy on the test set, counted as the test accuracy is.</summary>
    private static (int Label, double Accuracy) Majority(SequenceSet train, SequenceSet test)
    {
        static IEnumerable<int> Labels(SequenceSet set) => Enumerable.Range(0, set.Count)
            .SelectMany(i => set.PerStepLabels ? Enumerable.Range(0, set.Length(i)).Select(t => set.Label(i, t)) : [set.Label(i, 0)]);
        int label = Labels(train).GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var testLabels = Labels(test).ToArray();
        return (label, testLabels.Length == 0 ? double.NaN : testLabels.Count(l => l == label) / (double)testLabels.Length);
    }

    /// <summary>
    /// <c>--task ecg</c>: next-sample prediction on the MIT-BIH ECG, online, an LRU stack with an MSE readout
    /// (<see cref="EcgPrediction"/>). --subset and --test-subset are samples (steps at 360 Hz) of the two segments.
    /// </summary>
    private static int RunEcg(Settings s)
    {
        string rule = s.Rule ?? "online";
        if (s.Precision != "q" || rule is not ("online" or "spatial" or "truncated"))
        {
            throw new ArgumentException("--task ecg trains an LRU stack in fixed point: --rule online, spatial or truncated, --precision q");
        }

        var document = LoadModel(s.Model ?? "lru-ecg", s.Seed, s.Model is null || ModelPresets.TryGet(s.Model, out _));
        if (document.Spec is not LruSpec)
        {
            throw new ArgumentException("--task ecg needs an LRU model with 1 input and 1 output and an mse loss (default: the lru-ecg preset)");
        }

        if (s.Steps is not null)
        {
            throw new ArgumentException("--task ecg is one sample per step: --steps does not apply");
        }

        var series = EcgSeries.Split(DataCache.EcgMillivolts(), EcgDat.SampleRateHz, 0.8,
            s.Subset is int n ? n / EcgDat.SampleRateHz : null, s.TestSubset is int m ? m / EcgDat.SampleRateHz : null);
        // SGD 0.005 by default: at 0.01 the lr-ecg preset diverges (output saturated) with some seeds and short segments.
        var sgd = Optimizer(s, 0.005);
        var network = NetworkFactory.Create(document.Spec, new NetworkOptions { Rule = rule, Schedule = UpdateSchedule.Immediate, Sgd = sgd });
        var options = new EcgPredictionOptions
        {
            Epochs = s.Epochs,
            Schedule = s.Schedule == "cosine" || s.Warmup > 0
                ? new LearningRateSchedule
                {
                    Kind = s.Schedule == "cosine" ? ScheduleKind.Cosine : ScheduleKind.Constant,
                    WarmupUpdates = s.Warmup,
                    TotalUpdates = (long)(series.Train.Length - 1) * s.Epochs / 360 + 1,
                }
                : null,
        };
        Console.Error.WriteLine(string.Create(Inv,
            $"olrt train: ecg (MIT-BIH, 360 Hz): {series.Train.Length} training / {series.Test.Length} test samples, next-sample MSE; model {document.Name}, rule {rule}, " +
            $"{s.Optimizer} lr {sgd.LearningRate:G4}, {s.Epochs} epoch(s), seed {s.Seed}"));
        var clock = Stopwatch.StartNew();
        var result = EcgPrediction.Run(network, series, options, p => Console.Error.WriteLine(string.Create(Inv,
            $"epoch {p.Epoch}/{s.Epochs}: step {p.Steps}, train MSE {p.TrainMse:0.000000} mV^2 (last {options.CurveEvery} steps), {p.Seconds:F1} s")));
        double seconds = clock.Elapsed.TotalSeconds;
        if (s.Checkpoint is not null)
        {
            var saved = new CheckpointStore(s.Checkpoint).Save(network, document, Backends.Name(Backends.Current.Backend));
            if (!saved.Saved)
            {
                Console.Error.WriteLine($"olrt train: cannot write {s.Checkpoint}: {saved.Error}");
                return 1;
            }
        }

        if (s.Out is not null)
        {
            AtomicFile.WriteAllText(s.Out, EcgJson(s, document, rule, sgd, series, result, seconds, network));
        }

        Console.WriteLine(string.Create(Inv,
            $"test next-sample MSE {result.TestMse:0.000000} mV^2, naive last-value {result.NaiveMse:0.000000} mV^2, ratio {result.Ratio:0.0000} " +
            $"(ecg, {rule}, q, {series.Train.Length} training samples, {s.Epochs} epoch(s), {seconds:F1} s)"));
        return 0;
    }

    /// <summary>
    /// <c>--task copy</c>: the copy task (seed 004 B.1) at the CI size (2 layers, N 32, H 64, pattern 10, delay 7)
    /// through the network contract, one update per sequence, with the chosen optimiser and schedule (over samples).
    /// --subset is the number of training samples (default 6,000); the result is the final training loss per recall step.
    /// </summary>
    private static int RunCopy(Settings s)
    {
        string rule = s.Rule ?? "online";
        if (s.Precision != "q" || rule is not ("online" or "spatial" or "truncated") || s.Model is not null || s.Checkpoint is not null)
        {
            throw new ArgumentException("--task copy trains its own LRU stack in fixed point: --rule online, spatial or truncated, --precision q, no --model or --checkpoint");
        }

        if (s.Epochs != 1 || s.TestSubset is not null || s.Steps is not null)
        {
            throw new ArgumentException("--task copy draws fresh samples: give --subset (the number of samples), not --epochs, --test-subset or --steps");
        }

        bool full = s.Size == "full";
        // full: the paper's size (seed 004 Table 1), CopyTaskExperimentOptions' defaults; ci: olrt copy-task --size ci.
        var options = full
            ? new CopyTaskExperimentOptions { Samples = s.Subset ?? 6000, Seed = s.Seed, ProgressEvery = 0, FinalWindow = 200 }
            : new CopyTaskExperimentOptions
            {
                Layers = 2, N = 32, H = 64, PatternLength = 10, Samples = s.Subset ?? 6000, Seed = s.Seed, ProgressEvery = 0,
                FinalWindow = 200,
            };
        // Per-sequence rates (the gradient is summed over the sequence's steps): SGD 2^-10 at the CI size and 2^-13 at the
        // full size (olrt copy-task), momentum 2^-13 (2^-16 full), Adam 0.001.
        var sgd = s.Optimizer switch
        {
            "adam" => new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = s.LearningRate ?? 0.001, WeightDecay = s.WeightDecay, Seed = (ulong)s.Seed },
            "momentum" => new SgdOptions { LearningRate = s.LearningRate ?? (full ? 1.0 / 65536 : 1.0 / 8192), Momentum = 0.9, Seed = (ulong)s.Seed },
            _ => new SgdOptions { LearningRate = s.LearningRate ?? (full ? 1.0 / 8192 : 1.0 / 1024), Seed = (ulong)s.Seed },
        };
        string size = string.Create(Inv, $"{options.Layers} layers, N {options.N}, H {options.H}, pattern {options.PatternLength}, delay {options.Delay}");
        var schedule = s.Schedule == "cosine" || s.Warmup > 0
            ? new LearningRateSchedule
            {
                Kind = s.Schedule == "cosine" ? ScheduleKind.Cosine : ScheduleKind.Constant,
                WarmupUpdates = s.Warmup,
                TotalUpdates = options.Samples,
            }
            : null;
        Console.Error.WriteLine(string.Create(Inv,
            $"olrt train: copy task ({size}), {options.Samples} samples, rule {rule}, {s.Optimizer} lr {sgd.LearningRate:G4}, " +
            $"{s.Schedule} schedule, warm-up {s.Warmup}, seed {s.Seed}"));
        var clock = Stopwatch.StartNew();
        var (result, curve) = CopyTaskExperiment.RunContract(options, rule, sgd, schedule, curveEvery: Math.Max(1, options.Samples / 24), progress: null);
        foreach (var (n, loss) in curve)
        {
            Console.Error.WriteLine(string.Create(Inv, $"sample {n}: loss/recall step {loss:F4}"));
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (s.Out is not null)
        {
            AtomicFile.WriteAllText(s.Out, JsonText(w =>
            {
                w.WriteString("task", "copy");
                w.WriteString("model", $"copy-{(full ? "full" : "ci")}: {size}, lru-only, MSE");
                WriteRunSettings(w, s, "lru", rule, "q", sgd);
                w.WriteNumber("seed", s.Seed);
                w.WriteNumber("train_samples", result.Samples);
                w.WriteString("backend", Backends.Name(Backends.Current.Backend));
                Number(w, "initial_loss", result.InitialLoss);
                Number(w, "final_loss", result.FinalLoss);
                w.WriteNumber("final_window", options.FinalWindow);
                w.WriteNumber("saturations", result.Saturations);
                w.WriteNumber("seconds", Math.Round(seconds, 3));
                w.WriteStartArray("curve");
                foreach (var (n, loss) in curve)
                {
                    w.WriteStartObject();
                    w.WriteNumber("samples", n);
                    Number(w, "train_loss", loss);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }));
        }

        Console.WriteLine(string.Create(Inv,
            $"final training loss per recall step {result.FinalLoss:0.0000} (mean of the last {Math.Min(options.FinalWindow, result.Samples)} samples; initial {result.InitialLoss:0.0000}) " +
            $"(copy, {rule}, {s.Optimizer} lr {sgd.LearningRate:G4}, {s.Schedule}, {result.Samples} samples, {result.Saturations} saturations, {seconds:F1} s)"));
        return 0;
    }

    private static string EcgJson(Settings s, ModelDocument document, string rule, SgdOptions sgd, EcgSeries series, EcgResult result, double seconds, OnlineNetwork network)
    {
        return JsonText(w =>
        {
            w.WriteString("task", "ecg");
            w.WriteString("encoding", "MIT-BIH ECG, 360 Hz, standardised by the training segment; target: the next sample");
            w.WriteString("model", document.Name);
            WriteRunSettings(w, s, "lru", rule, "q", sgd);
            w.WriteNumber("epochs", s.Epochs);
            w.WriteNumber("seed", s.Seed);
            w.WriteNumber("train_samples", series.Train.Length);
            w.WriteNumber("test_samples", series.Test.Length);
            w.WriteString("backend", Backends.Name(Backends.Current.Backend));
            Number(w, "test_mse", result.TestMse);
            Number(w, "naive_mse", result.NaiveMse);
            Number(w, "error_ratio", result.Ratio);
            Number(w, "train_naive_mse", result.TrainNaiveMse);
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteStartArray("curve");
            foreach (var p in result.Curve)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", p.Epoch);
                w.WriteNumber("steps", p.Steps);
                Number(w, "train_mse", p.TrainMse);
                Number(w, "test_mse", p.TestMse);
                Number(w, "naive_mse", p.NaiveMse);
                Number(w, "error_ratio", p.Ratio);
                w.WriteNumber("seconds", Math.Round(p.Seconds, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteHealth(w, network, saturations: false);
        });
    }

    private static void Validate(Settings s)
    {
        if ((s.Task is null) == (s.Data is null))
        {
            throw new ArgumentException("give exactly one of --task and --data");
        }

        if (s.Test is not null && s.Data is null)
        {
            throw new ArgumentException("--test goes with --data");
        }

        Check(s.Epochs is >= 1 and <= 1000, $"--epochs must be from 1 to 1000, not {s.Epochs}");
        Check(s.Subset is null or >= 1, "--subset must be at least 1");
        Check(s.TestSubset is null or >= 1, "--test-subset must be at least 1");
        Check(s.LearningRate is null or (> 0 and < 8), "--lr must be in (0, 8)");
        Check(s.WeightDecay is >= 0 and < 1, "--weight-decay must be in [0, 1)");
        Check(s.WeightDecay == 0 || s.Optimizer == "adam", "--weight-decay goes with --optimizer adam");
        Check(s.Warmup >= 0, "--warmup must be at least 0");
        Check(s.Steps is null or (>= 1 and <= 10_000), "--steps must be from 1 to 10000");
        Check(s.CosineEvery is null or >= 1, $"--cosine-every must be at least 1, not {s.CosineEvery}");
        Check(s.CosineEvery is null || s.Task is not ("ecg" or "copy"), "--cosine-every compares spiking rules with BPTT: not with --task ecg or copy");
        Check(s.Size is null or "ci" or "full", $"--size must be ci or full, not '{UserText.Echo(s.Size ?? string.Empty)}'");
        Check(s.Size is null || s.Task == "copy", "--size goes with --task copy");
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }

    private static SgdOptions Optimizer(Settings s, double sgdDefault) => s.Optimizer switch
    {
        "adam" => new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = s.LearningRate ?? 0.001, WeightDecay = s.WeightDecay, Seed = (ulong)s.Seed },
        "momentum" => new SgdOptions { LearningRate = s.LearningRate ?? 0.002, Momentum = 0.9, Seed = (ulong)s.Seed },
        _ => new SgdOptions { LearningRate = s.LearningRate ?? sgdDefault, Seed = (ulong)s.Seed },
    };

    private static string DefaultPreset(Settings s)
    {
        if (s.Task is null)
        {
            throw new ArgumentException("--data needs --model (a model file or a preset)");
        }

        // The preset depends on the family, which defaults to spiking; LRU rules pick the LRU preset.
        string family = s.Rule is "online" or "spatial" or "truncated" ? "lru" : "snn";
        return family == "lru" ? LruPreset(s.Task) : SnnPreset(s.Task);
    }

    private static string SnnPreset(string task) => task switch
    {
        "digits" => "snn-digits",
        "mnist" or "fashion-mnist" => "snn-mnist-small",
        "babyss" => "snn-babyss",
        _ => "snn-randman",
    };

    private static string LruPreset(string task) => task switch
    {
        "digits" => "lru-digits",
        "babyss" => "lru-babyss",
        _ => "lru-mnist",
    };

    /// <summary>A preset (its seed replaced by --seed) or a model file.</summary>
    internal static ModelDocument LoadModel(string model, int seed, bool preset)
    {
        if (preset && ModelPresets.TryGet(model, out string json))
        {
            return ModelDocument.Parse(model, SeedPattern().Replace(json, string.Create(Inv, $"\"seed\": {seed}"), 1));
        }

        if (!File.Exists(model))
        {
            throw new ArgumentException($"--model '{UserText.Echo(model)}' is neither a file nor a preset ({string.Join(", ", ModelPresets.Names)})");
        }

        return ModelDocument.Load(model);
    }

    [GeneratedRegex("\"seed\": *-?[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex SeedPattern();

    private static TaskData LoadData(Settings s, string family)
    {
        if (s.Task is not null)
        {
            return TaskCatalog.Load(s.Task, family, (ulong)s.Seed, testLimit: s.TestSubset, imageSteps: s.Steps);
        }

        var csvOptions = new CsvDatasetOptions { Label = s.LabelColumn, SequenceId = s.SequenceColumn };
        CsvDataset train, test;
        if (s.Test is not null)
        {
            (train, test) = CsvDataset.Load(s.Data!, s.Test, csvOptions);
        }
        else
        {
            // No test file: hold out a seeded 20 % of the rows (or of the sequences).
            var all = CsvDataset.Load(s.Data!, csvOptions);
            return HoldOut(all, family, (ulong)s.Seed, s.Steps ?? 10);
        }

        return TaskCatalog.FromCsv(train, test, family, (ulong)s.Seed, s.Steps ?? 10);
    }

    private static TaskData HoldOut(CsvDataset all, string family, ulong seed, int steps)
    {
        var split = TaskCatalog.FromCsv(all, all, family, seed, steps);
        int count = split.Train.Count;
        var order = Enumerable.Range(0, count).ToArray();
        new Random((int)seed).Shuffle(order);
        int cut = Math.Max(1, (int)Math.Round(count * 0.8));
        if (cut >= count)
        {
            throw new ArgumentException($"{all.Path}: too few samples ({count}) to hold out a test part; give --test");
        }

        return split with { Train = new Indexed(split.Train, order[..cut]), Test = new Indexed(split.Test, order[cut..]) };
    }

    private sealed class Indexed(SequenceSet inner, int[] indices) : SequenceSet
    {
        public override int Count => indices.Length;

        public override int Inputs => inner.Inputs;

        public override int Classes => inner.Classes;

        public override bool PerStepLabels => inner.PerStepLabels;

        public override int Length(int sample) => inner.Length(indices[sample]);

        public override int Label(int sample, int step) => inner.Label(indices[sample], step);

        public override void Fill(int sample, int step, int epoch, Span<double> x) => inner.Fill(indices[sample], step, epoch, x);
    }

    private static string Json(Settings s, TaskData taskData, SequenceSet train, SequenceSet test, ModelDocument document, string family, string rule, bool f64,
        SgdOptions sgd, IReadOnlyList<CurvePoint> curve, double seconds, OnlineNetwork? network, (int Label, double Accuracy) majority,
        SnnAlignment? alignment, IReadOnlyList<(long Samples, double[] Cosine)> cosine)
    {
        return JsonText(w =>
        {
            w.WriteString("task", taskData.Name);
            w.WriteString("encoding", taskData.Encoding);
            w.WriteString("model", document.Name);
            WriteRunSettings(w, s, family, rule, f64 ? "f64" : "q", sgd);
            w.WriteNumber("epochs", s.Epochs);
            w.WriteNumber("seed", s.Seed);
            w.WriteNumber("train_samples", train.Count);
            w.WriteNumber("test_samples", test.Count);
            w.WriteString("backend", Backends.Name(Backends.Current.Backend));
            Number(w, "test_accuracy", curve[^1].TestAccuracy);
            // The baseline: always predict the training set's most frequent class (per step for a label per step).
            w.WriteNumber("majority_class", majority.Label);
            Number(w, "majority_accuracy", majority.Accuracy);
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteStartArray("curve");
            foreach (var p in curve)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", p.Epoch);
                w.WriteNumber("samples", p.Samples);
                Number(w, "train_loss", p.TrainLoss);
                // Predicted at each training sequence's end, after that sequence's own online updates: optimistic.
                Number(w, "online_train_accuracy", p.TrainAccuracy);
                Number(w, "test_accuracy", p.TestAccuracy);
                w.WriteNumber("seconds", Math.Round(p.Seconds, 3));
                w.WriteNumber("samples_per_second", Math.Round(p.SamplesPerSecond, 1));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (alignment is not null && document.Spec is SnnSpec snn)
            {
                // Per-layer cosine of the rule's gradient to float64 BPTT's on the weights after that many samples.
                w.WriteNumber("cosine_probes", alignment.Probes);
                w.WriteString("cosine_gradient", alignment.Precision == "q" ? "fixed-point runtime, updates deferred" : "float64 reference of the rule");
                var layers = SnnAlignment.Layers(snn);
                w.WriteStartArray("cosine_curve");
                foreach (var (samples, c) in cosine)
                {
                    w.WriteStartObject();
                    w.WriteNumber("samples", samples);
                    for (int i = 0; i < layers.Count; i++)
                    {
                        Number(w, layers[i], c[i]);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (network is not null)
            {
                WriteHealth(w, network, saturations: true);
            }
        });
    }

    /// <summary>One indented JSON object, written by <paramref name="body"/>, as text with a final newline.</summary>
    private static string JsonText(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The settings every result file records: family, rule, precision, optimiser and schedule.</summary>
    private static void WriteRunSettings(Utf8JsonWriter w, Settings s, string family, string rule, string precision, SgdOptions sgd)
    {
        w.WriteString("family", family);
        w.WriteString("rule", rule);
        w.WriteString("precision", precision);
        w.WriteString("optimizer", s.Optimizer);
        w.WriteNumber("learning_rate", sgd.LearningRate);
        if (sgd.Kind == OptimizerKind.Adam)
        {
            w.WriteNumber("beta1", sgd.Beta1);
            w.WriteNumber("beta2", sgd.Beta2);
            w.WriteNumber("epsilon", sgd.Epsilon);
            w.WriteNumber("weight_decay", sgd.WeightDecay);
        }

        w.WriteString("schedule", s.Schedule);
        w.WriteNumber("warmup", s.Warmup);
    }

    private static void WriteHealth(Utf8JsonWriter w, OnlineNetwork network, bool saturations)
    {
        var health = network.Health();
        w.WriteStartObject("health");
        w.WriteNumber("steps", health.Steps);
        w.WriteNumber("updates", health.Updates);
        if (saturations)
        {
            w.WriteStartObject("saturations");
            foreach (var (tensor, events) in health.Saturations.Where(e => e.Events > 0))
            {
                w.WriteNumber(tensor, events);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>One status line on standard error, redrawn in place on a terminal and every 10 % otherwise.</summary>
    private sealed class ProgressBar
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private readonly Stopwatch _throttle = Stopwatch.StartNew();
        private int _lastDecile = -1;
        private bool _drawn;

        public void Show(TrainProgress p)
        {
            int decile = p.Sample * 10 / p.Samples;
            bool end = p.Sample == p.Samples;
            if (_terminal ? !end && _throttle.ElapsedMilliseconds < 200 : decile == _lastDecile && !end)
            {
                return;
            }

            _throttle.Restart();
            _lastDecile = decile;
            const int width = 24;
            int filled = p.Sample * width / p.Samples;
            string line = string.Create(Inv,
                $"epoch {p.Epoch}/{p.Epochs} [{new string('#', filled)}{new string('.', width - filled)}] {p.Sample}/{p.Samples}  " +
                $"{p.SamplesPerSecond:F1} samples/s  loss {p.RunningLoss:F4}  online acc {p.RunningAccuracy:P1}  ETA {Format(p.Remaining)}");
            if (_terminal)
            {
                Console.Error.Write($"\r{line}\u001b[K");
                _drawn = true;
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }

        public void Finish()
        {
            if (_drawn)
            {
                Console.Error.WriteLine();
            }
        }

        private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", Inv) : t.ToString(@"m\:ss", Inv);
    }
}
