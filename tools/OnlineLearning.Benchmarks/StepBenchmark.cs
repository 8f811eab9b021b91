using System.Diagnostics;
using System.Globalization;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Tasks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Benchmarks;

/// <summary>
/// Whole learn steps, timed with a stopwatch on every backend this CPU supports (the backend is forced, so the
/// optimiser and the layers run on it): a 700-256-256-20 LIF network learning with OSTL and immediate updates
/// (the SHD shape), and a copy-task LRU stack (4 layers, N 64, H 128) learning online with immediate updates.
/// Prints µs per step: the best of seven rounds (the machine is shared; the minimum is the least disturbed).
/// </summary>
public static class StepBenchmark
{
    public static int Run(string[] args)
    {
        string which = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        int steps = 0;
        int at = Array.IndexOf(args, "--steps");
        if (at >= 0 && at + 1 < args.Length)
        {
            steps = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        }

        foreach (Backend backend in Backends.Available())
        {
            Backends.Force(backend);
            if (which is "snn" or "all")
            {
                Report("snn 700-256-256-20 lif ostl immediate", backend, Snn(steps > 0 ? steps : 200));
            }

            if (which is "lru" or "all")
            {
                Report("lru copy 4x(N64,H128) online immediate", backend, Lru(steps > 0 ? steps : 100));
            }
        }

        return 0;
    }

    private static void Report(string name, Backend backend, double microseconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-42} {Backends.Name(backend),-10} {microseconds,10:F1} µs/step"));

    private static double Snn(int steps)
    {
        const string Json = """
            {"type":"snn","neuron":"lif","inputs":700,"seed":5,"loss":"ce",
             "layers":[{"size":256},{"size":256}],"readout":{"size":20}}
            """;
        var spec = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("bench.json", Json));
        var network = QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = SnnRule.Ostl,
            Schedule = UpdateSchedule.Immediate,
            Kernels = Backends.Current,
            Sgd = new SgdOptions { LearningRate = 0.001 },
        });
        var random = new Random(3);
        var inputs = new short[16][];
        for (int k = 0; k < inputs.Length; k++)
        {
            inputs[k] = new short[700];
            for (int j = 0; j < 700; j++)
            {
                inputs[k][j] = random.NextDouble() < 0.05 ? SnnFormats.Spike : (short)0;
            }
        }

        return Best(steps, t => network.StepLabel(inputs[t % inputs.Length], t % 20));
    }

    private static double Lru(int steps)
    {
        var options = new CopyTaskExperimentOptions();
        var task = new CopyTask(new CopyTaskOptions { PatternLength = options.PatternLength, Delay = options.Delay });
        var network = QLruNetwork.Create(CopyTaskExperiment.Model(options, task.Inputs, task.Outputs), new QLruOptions
        {
            Rule = LruRule.Online,
            Schedule = UpdateSchedule.Immediate,
            Kernels = Backends.Current,
            Sgd = new SgdOptions { LearningRate = options.LearningRate },
        });
        var x = new short[task.Inputs];
        var y = new int[task.Outputs];
        return Best(steps, t =>
        {
            x[t % x.Length] = (short)((t * 977 % 2048) - 1024);
            network.Step(x, y);
        });
    }

    private static double Best(int steps, Action<int> step)
    {
        for (int t = 0; t < Math.Max(10, steps / 10); t++)
        {
            step(t);
        }

        var rounds = new double[7];
        for (int r = 0; r < rounds.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int t = 0; t < steps; t++)
            {
                step(t);
            }

            rounds[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }

        return rounds.Min();
    }
}
