using System.CommandLine;
using System.Globalization;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt copy-task</c>: trains a fixed-point LRU stack online on the copy task (seed 004 B.1) with each rule,
/// one sample at a time, and prints the final recall loss per rule next to seed 004 Table 1.
/// </summary>
internal static class CopyTaskCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var size = new Option<string>("--size")
        {
            Description = "full: 4 layers, N 64, H 128, pattern 20 (seed 004 Table 1). ci: 2 layers, N 32, H 64, pattern 10.",
            DefaultValueFactory = _ => "full",
        };
        size.AcceptOnlyFromAmong("full", "ci");
        var samples = new Option<string?>("--samples")
        {
            Description = $"Training samples per rule, {MinSamples} to {MaxSamples}. Default: 20000 (full), 6000 (ci).",
        };
        var minutes = new Option<string?>("--minutes")
        {
            Description = $"Wall-clock budget per rule in minutes, {Show(MinMinutes)} to {Show(MaxMinutes)}; a rule stops early when it is spent.",
        };
        var rules = new Option<string>("--rules")
        {
            Description = "Comma-separated rules to train: online, spatial, truncated.",
            DefaultValueFactory = _ => "online,spatial,truncated",
        };
        var learningRate = new Option<string?>("--lr")
        {
            Description = $"SGD learning rate per sequence, in (0, {Show(MaxLearningRate)}]. Default: 2^-13 (full), 2^-10 (ci).",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the model and the samples.", DefaultValueFactory = _ => 1 };
        var command = new Command("copy-task",
            "Train an LRU stack online, in fixed point, on the copy task (seed 004 B.1) with each rule and report the final " +
            "loss per recall step. Progress goes to standard error.")
        {
            size, samples, minutes, rules, learningRate, seed,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is null)
            {
                return 2;
            }

            LruRule[] selected;
            try
            {
                selected = parse.GetValue(rules)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(RuleNames.ParseLru).ToArray();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"olrt copy-task: {OlrtCommand.Clean(e.Message)}");
                Console.Error.WriteLine("see olrt copy-task --help");
                return 2;
            }

            if (selected.Length == 0 || selected.Contains(LruRule.Bptt))
            {
                Console.Error.WriteLine("olrt copy-task: --rules takes online, spatial and truncated (bptt is the float64 reference only)");
                Console.Error.WriteLine("see olrt copy-task --help");
                return 2;
            }

            int? sampleCount;
            double? minuteBudget, lr;
            try
            {
                sampleCount = ParseSamples(parse.GetValue(samples));
                minuteBudget = ParseNumber("--minutes", parse.GetValue(minutes), MinMinutes, MaxMinutes, minOpen: false);
                lr = ParseNumber("--lr", parse.GetValue(learningRate), 0, MaxLearningRate, minOpen: true);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"olrt copy-task: {OlrtCommand.Clean(e.Message)}");
                Console.Error.WriteLine("see olrt copy-task --help");
                return 2;
            }

            bool full = parse.GetValue(size) == "full";
            var options = full
                ? new CopyTaskExperimentOptions()
                : new CopyTaskExperimentOptions { Layers = 2, N = 32, H = 64, PatternLength = 10, Samples = 6000, LearningRate = 1.0 / 1024 };
            options = options with
            {
                Samples = sampleCount ?? options.Samples,
                LearningRate = lr ?? options.LearningRate,
                TimeLimit = minuteBudget is double m ? TimeSpan.FromMinutes(m) : null,
                Seed = parse.GetValue(seed),
            };
            Run(options, selected);
            return 0;
        });
        return command;
    }

    /// <summary>Bounds of the numeric options (docs: olrt copy-task --help).</summary>
    public const int MinSamples = 1;

    public const int MaxSamples = 100_000_000;

    public const double MinMinutes = 0.01;

    public const double MaxMinutes = 10_080;

    public const double MaxLearningRate = 1;

    private static string Show(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static int? ParseSamples(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n < MinSamples || n > MaxSamples)
        {
            throw new ArgumentException($"--samples must be a whole number from {MinSamples} to {MaxSamples}, not '{Core.Data.UserText.Echo(text)}'", nameof(text));
        }

        return n;
    }

    private static double? ParseNumber(string option, string? text, double min, double max, bool minOpen)
    {
        if (text is null)
        {
            return null;
        }

        bool parsed = double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v);
        if (!parsed || !double.IsFinite(v) || (minOpen ? v <= min : v < min) || v > max)
        {
            throw new ArgumentException(
                $"{option} must be a number in {(minOpen ? "(" : "[")}{Show(min)}, {Show(max)}], not '{Core.Data.UserText.Echo(text)}'", nameof(text));
        }

        return v;
    }

    private static void Run(CopyTaskExperimentOptions options, LruRule[] rules)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"copy task: {options.Layers} layers, N {options.N}, H {options.H}, pattern {options.PatternLength}, delay {options.Delay}, " +
            $"up to {options.Samples} samples per rule, lr {options.LearningRate:G4}, backend {Numerics.Kernels.Backends.Name(Numerics.Kernels.Backends.Current.Backend)}"));
        var results = CopyTaskExperiment.Run(options, new SynchronousProgress(line => Console.Error.WriteLine($"  {line}")), rules);
        Console.WriteLine("rule        samples  initial loss  final loss  saturations  time      seed 004 Table 1 (float, full size)");
        foreach (var r in results)
        {
            string paper = r.Rule switch
            {
                LruRule.Online => "8.4e-3",
                LruRule.Spatial => "0.47",
                LruRule.Truncated => "0.26",
                _ => "-",
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{RuleName(r.Rule),-10}  {r.Samples,7}  {r.InitialLoss,12:G4}  {r.FinalLoss,10:G4}  {r.Saturations,11}  {r.Elapsed.TotalMinutes,5:F1} min  {paper}"));
        }

        var online = results.FirstOrDefault(r => r.Rule == LruRule.Online);
        if (online is not null)
        {
            foreach (var other in results.Where(r => r.Rule != LruRule.Online))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"online / {RuleName(other.Rule)}: {online.FinalLoss / other.FinalLoss:F3}"));
            }
        }
    }

    private static string RuleName(LruRule rule) => RuleNames.Lru[(int)rule];

    /// <summary>Prints progress on the training thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
