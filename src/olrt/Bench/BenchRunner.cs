using System.Diagnostics;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli.Bench;

/// <summary>One timed mode of one preset, rule and backend.</summary>
internal sealed record BenchResult(string Preset, string Rule, string Backend, string Mode, long Steps, double Seconds, long AllocatedBytes, long ArenaBytes)
{
    public double MicrosecondsPerStep => Seconds * 1e6 / Math.Max(1, Steps);

    public double StepsPerSecond => Steps / Math.Max(Seconds, 1e-12);

    /// <summary>Arena bytes per second, counting every arena byte once per step (a full learn step reads or writes nearly all of it).</summary>
    public double GigabytesPerSecond => ArenaBytes * StepsPerSecond / 1e9;
}

/// <summary>
/// Times whole steps through the network contract: the full learn step (forward, traces, immediate update), the
/// forward pass alone (Infer) and learning without the update (gradients accumulate, never applied). Inputs are
/// precomputed so that only the network is timed; allocation is measured over each timed loop.
/// </summary>
internal static class BenchRunner
{
    public const string Full = "learn (full)", Forward = "forward only", NoUpdate = "learn, no update", TwoPass = "learn, two-pass";

    public static IEnumerable<BenchResult> Run(BenchPreset preset, string rule, QKernels kernels, double seconds)
    {
        var spec = ModelDocument.Parse(preset.Name, preset.ModelJson).Spec;
        foreach (string mode in Modes(spec))
        {
            var network = NetworkFactory.Create(spec, new NetworkOptions
            {
                Rule = rule,
                Kernels = kernels,
                Schedule = mode == NoUpdate ? UpdateSchedule.Never : UpdateSchedule.Immediate,
                Sgd = new SgdOptions { LearningRate = 1.0 / 1024 },
                FuseImmediateUpdate = mode != TwoPass,
            });
            yield return Time(preset, rule, Backends.Name(kernels.Backend), mode, network, seconds);
        }
    }

    /// <summary>
    /// The timed modes of a model: spiking nets fuse the immediate update into the trace pass, so they also time the
    /// accumulate-then-apply path it replaced ("two-pass", same bits) to keep the gain visible.
    /// </summary>
    public static string[] Modes(ModelSpec spec) => spec is SnnSpec ? [Full, Forward, NoUpdate, TwoPass] : [Full, Forward, NoUpdate];

    /// <summary>Milliseconds from process start to the end of the first learn step of a preset (startup latency).</summary>
    public static double FirstStepMilliseconds(BenchPreset preset)
    {
        var network = NetworkFactory.Create(ModelDocument.Parse(preset.Name, preset.ModelJson).Spec, new NetworkOptions());
        var inputs = Inputs(network, preset.SpikeRate, 1);
        network.StepLabel(inputs[0], 0);
        return (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
    }

    /// <summary>Bytes per second of Span.CopyTo over a buffer the size of an arena (the bandwidth ceiling).</summary>
    public static double CopyGigabytesPerSecond(int bytes, double seconds)
    {
        var source = new byte[bytes];
        var destination = new byte[bytes];
        new Random(1).NextBytes(source);
        source.AsSpan().CopyTo(destination);
        long copies = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 16; i++)
            {
                source.AsSpan().CopyTo(destination);
            }

            copies += 16;
        }

        return (double)bytes * copies / clock.Elapsed.TotalSeconds / 1e9;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Timed through the contract on purpose: what every caller of a network pays.")]
    private static BenchResult Time(BenchPreset preset, string rule, string backend, string mode, IOnlineNetwork network, double seconds)
    {
        var inputs = Inputs(network, preset.SpikeRate, 64);
        var target = new int[network.Outputs];
        bool classify = network.Family == "snn";
        // Warm-up: under the JIT the step path reaches its optimised tier only after some hundreds of calls.
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 64 || (w < 100_000 && warm.Elapsed.TotalSeconds < Math.Min(0.5, seconds / 2)); w++)
        {
            StepOnce(network, mode, inputs[w & 63], target, classify, w);
        }

        long steps = 0;
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 16; i++, steps++)
            {
                StepOnce(network, mode, inputs[(int)(steps & 63)], target, classify, (int)steps);
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        double elapsed = clock.Elapsed.TotalSeconds;
        return new BenchResult(preset.Name, rule, backend, mode, steps, elapsed, allocated, network.Plan.TotalBytes);
    }

    private static void StepOnce(IOnlineNetwork network, string mode, short[] input, int[] target, bool classify, int step)
    {
        if (mode == Forward)
        {
            network.Infer(input);
        }
        else if (classify)
        {
            network.StepLabel(input, step % network.Outputs);
        }
        else
        {
            target[step % target.Length] = (step & 1) << (network.TargetFormat.FracBits - 2);
            network.Step(input, target);
        }
    }

    // Spiking nets: spikes with the preset's rate; LRUs: values in [−1, 1) in the input format.
    private static short[][] Inputs(IOnlineNetwork network, double spikeRate, int count)
    {
        var random = new Random(7);
        short one = (short)(1 << network.InputFormat.FracBits);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, network.Inputs)
            .Select(_ => spikeRate > 0 ? (random.NextDouble() < spikeRate ? one : (short)0) : (short)random.Next(-one, one))
            .ToArray()).ToArray();
    }
}
