using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Networks;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli.Bench;

/// <summary>
/// <c>olrt bench</c>: whole learn steps of the presets through the network contract, on the chosen (or best)
/// backend and on the scalar specification, with the copy-bandwidth ceiling and the memory plan. Figures, not tests.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var preset = new Option<string>("--preset")
        {
            Description = $"Preset to run: {string.Join(", ", BenchPresets.All.Select(p => p.Name))}, or all.",
            DefaultValueFactory = _ => "all",
        };
        preset.AcceptOnlyFromAmong([.. BenchPresets.All.Select(p => p.Name), "all"]);
        var seconds = new Option<double>("--seconds")
        {
            Description = "Time budget per preset in seconds (0.2 to 3600), split over its rules, backends and modes.",
            DefaultValueFactory = _ => 6,
        };
        var json = new Option<FileInfo?>("--json") { Description = "Also write every figure to this JSON file." };
        var command = new Command("bench",
            "Time full learn steps (forward, traces, immediate update), forward only, learning without the update and, for spiking " +
            "nets, the two-pass update the fused one replaced, on the " +
            "best (or --backend) kernels and on the scalar specification; report steps/s, arena bandwidth against Span.CopyTo, " +
            "allocation (must be 0) and the memory plan.")
        {
            preset, seconds, json,
        };
        command.SetAction(parse =>
        {
            var kernels = OlrtCommand.SelectBackend(parse, backendOption);
            if (kernels is null)
            {
                return 2;
            }

            double budget = parse.GetValue(seconds);
            if (!(budget >= 0.2 && budget <= 3600))
            {
                Console.Error.WriteLine($"olrt bench: --seconds must be in [0.2, 3600], not {budget.ToString(CultureInfo.InvariantCulture)}");
                return 2;
            }

            string chosen = parse.GetValue(preset)!;
            var presets = chosen == "all" ? BenchPresets.All : [BenchPresets.Find(chosen)!];
            return Run(presets, kernels, budget, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(IReadOnlyList<BenchPreset> presets, QKernels kernels, double budget, FileInfo? json)
    {
        double firstStep = BenchRunner.FirstStepMilliseconds(presets[0]);
        var backends = kernels.Backend == Backend.Scalar ? new[] { kernels } : new[] { kernels, Backends.Get(Backend.Scalar) };
        var all = new List<BenchResult>();
        var summaries = new List<(BenchPreset Preset, IReadOnlyDictionary<TensorRole, long> Roles, int Arena, double Copy)>();
        foreach (var preset in presets)
        {
            var spec = ModelDocument.Parse(preset.Name, preset.ModelJson).Spec;
            double each = budget / (preset.Rules.Length * backends.Length * BenchRunner.Modes(spec).Length + 1);
            var plan = NetworkFactory.Create(spec, new NetworkOptions { Rule = preset.Rules[0] }).Plan;
            double copy = BenchRunner.CopyGigabytesPerSecond(plan.TotalBytes, each);
            var results = preset.Rules.SelectMany(rule => backends.SelectMany(k => BenchRunner.Run(preset, rule, k, each))).ToList();
            all.AddRange(results);
            summaries.Add((preset, plan.BytesByRole(), plan.TotalBytes, copy));
            Print(preset, results, plan, copy, backends);
        }

        Console.WriteLine(Invariant($"first learn step {firstStep:F0} ms after process start ({presets[0].Name} preset, network built from its model file)"));
        long allocated = all.Sum(r => r.AllocatedBytes);
        Console.WriteLine(allocated == 0 ? "allocated in timed loops: 0 bytes" : $"ALLOCATED in timed loops: {allocated} bytes");
        if (json is not null)
        {
            WriteJson(json.FullName, all, summaries, firstStep);
        }

        return allocated == 0 ? 0 : 4;
    }

    private static void Print(BenchPreset preset, List<BenchResult> results, ArenaPlan plan, double copy, QKernels[] backends)
    {
        Console.WriteLine($"preset {preset.Name}: {preset.Description}");
        Console.WriteLine("  memory plan: " + string.Join(", ", plan.BytesByRole().Select(r => $"{TensorRoles.Name(r.Key)} {r.Value:N0}")) + Invariant($"; arena {plan.TotalBytes:N0} bytes"));
        Console.WriteLine($"  {"rule",-12} {"backend",-9} {"mode",-18} {"µs/step",10} {"steps/s",11} {"GB/s",7} {"alloc",6}");
        foreach (var r in results)
        {
            Console.WriteLine(Invariant($"  {r.Rule,-12} {r.Backend,-9} {r.Mode,-18} {r.MicrosecondsPerStep,10:F2} {r.StepsPerSecond,11:F0} {r.GigabytesPerSecond,7:F2} {r.AllocatedBytes,6}"));
        }

        foreach (string rule in preset.Rules)
        {
            var best = results.First(r => r.Rule == rule && r.Mode == BenchRunner.Full);
            if (backends.Length > 1)
            {
                var scalar = results.First(r => r.Rule == rule && r.Mode == BenchRunner.Full && r.Backend == "scalar");
                Console.WriteLine(Invariant($"  {rule}: full learn step {best.Backend} over scalar {scalar.MicrosecondsPerStep / best.MicrosecondsPerStep:F2}x"));
            }

            Console.WriteLine(Invariant($"  {rule}: full learn step moves the arena at {best.GigabytesPerSecond:F2} GB/s, {100 * best.GigabytesPerSecond / copy:F1} % of Span.CopyTo ({copy:F2} GB/s at {plan.TotalBytes:N0} bytes)"));
        }

        Console.WriteLine();
    }

    private static void WriteJson(string path, List<BenchResult> all, List<(BenchPreset Preset, IReadOnlyDictionary<TensorRole, long> Roles, int Arena, double Copy)> summaries, double firstStep)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("first_step_ms", firstStep);
            w.WriteStartArray("presets");
            foreach (var (preset, roles, arena, copy) in summaries)
            {
                w.WriteStartObject();
                w.WriteString("name", preset.Name);
                w.WriteString("description", preset.Description);
                w.WriteNumber("arena_bytes", arena);
                w.WriteNumber("copy_gb_per_s", copy);
                w.WriteStartObject("bytes_by_role");
                foreach (var (role, bytes) in roles)
                {
                    w.WriteNumber(TensorRoles.Name(role), bytes);
                }

                w.WriteEndObject();
                w.WriteStartArray("results");
                foreach (var r in all.Where(r => r.Preset == preset.Name))
                {
                    w.WriteStartObject();
                    w.WriteString("rule", r.Rule);
                    w.WriteString("backend", r.Backend);
                    w.WriteString("mode", r.Mode);
                    w.WriteNumber("us_per_step", r.MicrosecondsPerStep);
                    w.WriteNumber("steps_per_s", r.StepsPerSecond);
                    w.WriteNumber("gb_per_s", r.GigabytesPerSecond);
                    w.WriteNumber("allocated_bytes", r.AllocatedBytes);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        AtomicFile.WriteAllText(path, System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
