using System.Globalization;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Tasks;

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

    public int Samples { get; init; } = 20_000;

    /// <summary>SGD learning rate 2^-shift, applied once per sequence (the gradient summed over its steps).</summary>
    public int LearningRateShift { get; init; } = 9;

    /// <summary>|λ| initialisation ring; the paper draws λ in the whole unit disk (r_min 0).</summary>
    public double RMin { get; init; }

    public double RMax { get; init; } = 0.999;

    public int Seed { get; init; } = 1;

    /// <summary>The final loss is the mean over this many last samples.</summary>
    public int FinalWindow { get; init; } = 200;
}

/// <summary>One rule's outcome: the mean loss per step over the last samples (½ Σ squared error, all steps).</summary>
public sealed record CopyTaskResult(LruRule Rule, double FinalLoss, double InitialLoss, long Saturations);

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

    /// <summary>The model: encoder to H, L bare LRU layers, decoder to the pattern bits, MSE at every step.</summary>
    public static LruSpec Model(CopyTaskExperimentOptions options, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(options);
        string layers = string.Join(", ", Enumerable.Repeat($"{{ \"N\": {options.N} }}", options.Layers));
        string json = string.Create(CultureInfo.InvariantCulture,
            $"{{ \"type\": \"lru\", \"inputs\": {inputs}, \"seed\": {options.Seed}, \"r_min\": {options.RMin}, \"r_max\": {options.RMax}, " +
            $"\"encoder\": {{ \"size\": {options.H} }}, \"decoder\": {{ \"size\": {outputs} }}, \"layers\": [{layers}] }}");
        return LruSpec.FromJson(JsonTree.ParseText("copy-task.json", json));
    }

    private static CopyTaskResult Train(
        CopyTaskExperimentOptions options, CopyTask task, IReadOnlyList<(double[][] Input, double[][] Target)> samples, LruRule rule, IProgress<string>? progress)
    {
        var network = QLruNetwork.Create(Model(options, task.Inputs, task.Outputs),
            new QLruOptions { Rule = rule, LearningRateShift = options.LearningRateShift, UpdateEvery = task.Steps });
        var x = new short[task.Inputs];
        var y = new int[task.Outputs];
        int window = Math.Min(options.FinalWindow, samples.Count);
        double first = 0, last = 0;
        for (int s = 0; s < samples.Count; s++)
        {
            network.ResetState();
            long loss = 0;
            for (int t = 0; t < task.Steps; t++)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (short)(samples[s].Input[t][i] > 0.5 ? 1 << ActFrac : 0);
                }

                for (int k = 0; k < y.Length; k++)
                {
                    y[k] = samples[s].Target[t][k] > 0.5 ? 1 << ErrorFrac : 0;
                }

                loss += network.Step(x, y);
            }

            double perStep = ToDouble(loss, 32) / task.Steps;
            first += s < window ? perStep / window : 0;
            last += s >= samples.Count - window ? perStep / window : 0;
            if (progress is not null && (s + 1) % 500 == 0)
            {
                progress.Report(string.Create(CultureInfo.InvariantCulture, $"{rule}: sample {s + 1}/{samples.Count}, loss/step {perStep:F4}"));
            }
        }

        return new CopyTaskResult(rule, last, first, network.StateSaturations + network.GradientSaturations);
    }
}
