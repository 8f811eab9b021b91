using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace OnlineLearning.Benchmarks;

/// <summary>
/// Runs <see cref="KernelBenchmarks"/> and prints a per-kernel speed-up table against the scalar backend.
/// </summary>
/// <remarks>
/// Options of its own (everything else goes to BenchmarkDotNet, e.g. <c>--filter '*Dot*'</c>):
/// <list type="bullet">
/// <item><c>--short</c>: the short in-process job of <see cref="ShortJob"/> (what tools/bench-numerics.sh uses).
/// Without it BenchmarkDotNet's default job runs, out of process: accurate but far slower.</item>
/// <item><c>--table PATH</c>: where to write the markdown table (default artifacts/bench/numerics.md in the repo).</item>
/// <item><c>--step [snn|lru|all] [--steps N]</c>: whole learn steps instead of kernels (see <see cref="StepBenchmark"/>).</item>
/// <item><c>--check-alloc</c>: only check that no benchmark method allocates (see <see cref="AllocationCheck"/>);
/// exit code 1 if one does.</item>
/// </list>
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        bool isShort = false;
        string? tablePath = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--short")
            {
                isShort = true;
            }
            else if (args[i] == "--step")
            {
                return StepBenchmark.Run(args[(i + 1)..]);
            }
            else if (args[i] == "--check-alloc")
            {
                return AllocationCheck.Run() == 0 ? 0 : 1;
            }
            else if (args[i] == "--table" && i + 1 < args.Length)
            {
                tablePath = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        string repoRoot = FindRepoRoot();
        tablePath ??= Path.Combine(repoRoot, "artifacts", "bench", "numerics.md");

        IConfig config = DefaultConfig.Instance
            .WithArtifactsPath(Path.Combine(repoRoot, "artifacts", "bench", "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.JoinSummary);
        if (isShort)
        {
            config = config.AddJob(ShortJob());
        }

        Summary summary = BenchmarkRunner.Run<KernelBenchmarks>(config, [.. rest]);
        if (summary.Reports.IsEmpty)
        {
            // --list, --help or a filter that matched nothing: BenchmarkDotNet has already said so.
            return summary.HasCriticalValidationErrors ? 1 : 0;
        }

        string table = SpeedupTable.Render(summary);
        Console.WriteLine();
        Console.WriteLine(table);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(tablePath))!);
        File.WriteAllText(tablePath, table);
        Console.WriteLine($"Table written to {tablePath}");
        return summary.Reports.All(r => r.Success) ? 0 : 1;
    }

    /// <summary>
    /// A short in-process job: one launch, 3 warm-up and 8 measured iterations of about 100 ms each.
    /// In-process keeps the 150-odd cases from paying a process start (and a generated build) each, which
    /// is what makes the whole sweep fit in a few minutes on a 2-core machine; the price is some noise.
    /// </summary>
    public static Job ShortJob() => Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(8)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .WithId("Short");

    private static string FindRepoRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.props"))
                    && Directory.Exists(Path.Combine(dir.FullName, "src", "OnlineLearning.Numerics")))
                {
                    return dir.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
