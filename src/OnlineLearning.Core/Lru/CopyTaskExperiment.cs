using System.Globalization;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Tasks;
using OnlineLearning.Core.Training;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>Settings of a fixed-point copy-task training run (seed 004 4.1, B.1). Defaults are the paper's size.</summary>
public sealed record CopyTaskExperimentOptions
{
    public int Layers { get; init; } = 4;

    public int N { get; init; } = 64;

    public int H { get; init; } = 128;

    public int PatternLength { get; init; } = 20;

    public int Delay { get; init; } = 7;

    /// <summary>What follows each LRU (seed 004 uses GLU blocks).</summary>
    public LruBlockKind Block { get; init; } = LruBlockKind.LruOnly;

    /// <summary>Training samples per rule (one pass, one sample at a time).</summary>
    public int Samples { get; init; } = 20_000;

    /// <summary>Wall-clock budget per rule; the run stops early (and says so) when it is spent. Null: no limit.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>
    /// SGD learning rate, applied once per sequence to the gradient summed over its steps. The default 2^-13 was
    /// tuned on 400-2,000 samples at the full size (2^-12 and above diverge there: outputs saturate); the
    /// 2-layer N 32, H 64 size takes 2^-10.
    /// </summary>
    public double LearningRate { get; init; } = 1.0 / 8192;

    /// <summary>|λ| initialisation ring; the paper draws λ in the whole unit disk (r_min 0).</summary>
    public double RMin { get; init; }

    public double RMax { get; init; } = 0.999;

    public int Seed { get; init; } = 1;

    /// <summary>The initial and final losses are means over this many first and last samples.</summary>
    public int FinalWindow { get; init; } = 200;

    /// <summary>Report progress every this many samples (0: never).</summary>
    public int ProgressEvery { get; init; } = 500;
}

/// <summary>
/// One rule's outcome: mean loss per recall step (½ Σ squared error over the pattern bits, recall steps only,
/// <see cref="CopyTask.Mask"/>) over the first and the last samples, samples trained, saturations, wall time.
/// </summary>
public sealed record CopyTaskResult(LruRule Rule, double FinalLoss, double InitialLoss, int Samples, long Saturations, TimeSpan Elapsed);

/// <summary>Trains a fixed-point LRU stack on the copy task with each online rule, one sample at a time.</summary>
public static class CopyTaskExperiment
{
    /// <summary>Runs the given rules (online, spatial and truncated by default) and reports their final training losses.</summary>
    public static IReadOnlyList<CopyTaskResult> Run(CopyTaskExperimentOptions options, IProgress<string>? progress = null, params LruRule[] rules)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (rules.Length == 0)
        {
            rules = [LruRule.Online, LruRule.Spatial, LruRule.Truncated];
        }

        var task = new CopyTask(new CopyTaskOptions { PatternLength = options.PatternLength, Delay = options.Delay });
        var samples = task.Sample(options.Samples, options.Seed);
        var results = new List<CopyTaskResult>();
        foreach (LruRule rule in rules)
        {
            results.Add(Train(options, task, samples, rule, progress));
        }

        return results;
    }

    /// <summary>The model: encoder to H, L LRU layers (with the chosen block), decoder to the pattern bits, MSE at every step.</summary>
    public static LruSpec Model(CopyTaskExperimentOptions options, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(options);
        string block = options.Block switch { LruBlockKind.Glu => "glu", LruBlockKind.Mlp => "mlp", _ => "lru-only" };
        string layers = string.Join(", ", Enumerable.Repeat($"{{ \"N\": {options.N}, \"block\": \"{block}\" }}", options.Layers));
        string json = string.Create(CultureInfo.InvariantCulture,
            $"{{ \"type\": \"lru\", \"inputs\": {inputs}, \"seed\": {options.Seed}, \"r_min\": {options.RMin}, \"r_max\": {options.RMax}, " +
            $"\"encoder\": {{ \"size\": {options.H} }}, \"decoder\": {{ \"size\": {outputs} }}, \"layers\": [{layers}] }}");
        return LruSpec.FromJson(JsonTree.ParseText("copy-task.json", json));
    }

    private static CopyTaskResult Train(
        CopyTaskExperimentOptions options, CopyTask task, IReadOnlyList<(double[][] Input, double[][] Target)> samples, LruRule rule, IProgress<string>? progress)
    {
        var network = QLruNetwork.Create(Model(options, task.Inputs, task.Outputs), new QLruOptions
        {
            Rule = rule,
            Schedule = UpdateSchedule.SequenceEnd,
            Sgd = new SgdOptions { LearningRate = options.LearningRate, Seed = (ulong)options.Seed },
        });
        var x = new short[task.Inputs];
        var y = new int[task.Outputs];
        int recallSteps = task.Mask.Count(m => m);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var losses = new List<double>(samples.Count);
        double recent = 0;
        for (int s = 0; s < samples.Count; s++)
        {
            if (options.TimeLimit is { } limit && clock.Elapsed > limit)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{rule}: time limit {limit} reached after {s} samples"));
                break;
            }

            long loss = 0;
            for (int t = 0; t < task.Steps; t++)
            {
                Encode(samples[s], t, x, y);
                long stepLoss = network.Step(x, y);
                loss += task.Mask[t] ? stepLoss : 0;
            }

            network.EndSequence();       // applies the sequence's update (sequence-end schedule) and resets the state

            double perStep = ToDouble(loss, network.LossFracBits) / recallSteps;
            losses.Add(perStep);
            recent += perStep;
            if (options.ProgressEvery > 0 && (s + 1) % options.ProgressEvery == 0)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture,
                    $"{rule}: sample {s + 1}/{samples.Count}, loss/recall step {recent / options.ProgressEvery:F4} (mean of the last {options.ProgressEvery}), {clock.Elapsed.TotalSeconds:F0} s"));
                recent = 0;
            }
        }

        int window = Math.Max(1, Math.Min(options.FinalWindow, losses.Count));
        double first = losses.Take(window).DefaultIfEmpty().Average(), last = losses.Skip(losses.Count - window).DefaultIfEmpty().Average();
        return new CopyTaskResult(rule, last, first, losses.Count, network.StateSaturations + network.GradientSaturations, clock.Elapsed);
    }

    /// <summary>
    /// Trains one rule through the network contract (<see cref="NetworkFactory"/>, <see cref="IOnlineNetwork.Step"/>,
    /// <see cref="IOnlineNetwork.EndSequence"/>) with any optimiser (SGD, momentum, QAdam) and an optional host-side
    /// rate schedule over samples; one update per sequence (the gradient summed over its steps). Returns the result and
    /// the learning curve: mean loss per recall step over each block of <paramref name="curveEvery"/> samples.
    /// </summary>
    public static (CopyTaskResult Result, IReadOnlyList<(int Samples, double Loss)> Curve) RunContract(
        CopyTaskExperimentOptions options, string rule, SgdOptions optimizer, LearningRateSchedule? schedule, int curveEvery = 250, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(optimizer);
        var task = new CopyTask(new CopyTaskOptions { PatternLength = options.PatternLength, Delay = options.Delay });
        var samples = task.Sample(options.Samples, options.Seed);
        var network = NetworkFactory.Create(Model(options, task.Inputs, task.Outputs), new NetworkOptions
        {
            Rule = rule,
            Schedule = UpdateSchedule.SequenceEnd,
            Sgd = optimizer,
        });
        var x = new short[task.Inputs];
        var y = new int[task.Outputs];
        int recallSteps = task.Mask.Count(m => m);
        int lossFrac = network.LossFormat.FracBits;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var losses = new List<double>(samples.Count);
        var curve = new List<(int, double)>();
        double block = 0;
        for (int s = 0; s < samples.Count; s++)
        {
            if (options.TimeLimit is { } limit && clock.Elapsed > limit)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{rule}: time limit {limit} reached after {s} samples"));
                break;
            }

            if (schedule is not null)
            {
                network.SetLearningRateFactor(schedule.Factor(s));
            }

            long loss = 0;
            for (int t = 0; t < task.Steps; t++)
            {
                Encode(samples[s], t, x, y);
                long stepLoss = network.Step(x, y);
                loss += task.Mask[t] ? stepLoss : 0;
            }

            network.EndSequence();
            double perStep = Math.ScaleB(loss, -lossFrac) / recallSteps;
            losses.Add(perStep);
            block += perStep;
            if ((s + 1) % curveEvery == 0)
            {
                curve.Add((s + 1, block / curveEvery));
                progress?.Report(string.Create(CultureInfo.InvariantCulture,
                    $"{rule}: sample {s + 1}/{samples.Count}, loss/recall step {block / curveEvery:F4} (mean of the last {curveEvery}), {clock.Elapsed.TotalSeconds:F0} s"));
                block = 0;
            }
        }

        int window = Math.Max(1, Math.Min(options.FinalWindow, losses.Count));
        double first = losses.Take(window).DefaultIfEmpty().Average(), last = losses.Skip(losses.Count - window).DefaultIfEmpty().Average();
        long saturations = network.Arena.SaturationReport().Sum(e => e.Events);
        return (new CopyTaskResult(RuleNames.ParseLru(rule), last, first, losses.Count, saturations, clock.Elapsed), curve);
    }

    private static void Encode((double[][] Input, double[][] Target) sample, int t, Span<short> x, Span<int> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (short)(sample.Input[t][i] > 0.5 ? 1 << ActFrac : 0);
        }

        for (int k = 0; k < y.Length; k++)
        {
            y[k] = sample.Target[t][k] > 0.5 ? 1 << ErrorFrac : 0;
        }
    }
}
