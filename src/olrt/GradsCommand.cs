using System.CommandLine;
using System.Globalization;
using OnlineLearning.Reference;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt grads</c>: the gradient-check interface documented in docs/grads.md. Runs one sequence with updates
/// deferred and prints (or writes) { "loss", "gradients" } as JSON, in real units.
/// </summary>
internal static class GradsCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var model = new Option<FileInfo>("--model") { Description = "Model file (JSON; keys and ranges in docs/models.md).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Input CSV: one row per time step, one column per input.", Required = true };
        var target = new Option<FileInfo?>("--target") { Description = "Target CSV: one row per time step, one column per output. Default: all zero." };
        var rule = new Option<string>("--rule")
        {
            Description = "Learning rule. Spiking models: ostl, ottt, otpe, approx-otpe, f-otpe, bptt. LRU models: online, spatial, truncated, bptt.",
            Required = true,
        };
        var precision = new Option<string>("--precision")
        {
            Description = "f64: the float64 reference of the rule. q: the fixed-point runtime (model quantised, integer step, gradients converted back).",
            DefaultValueFactory = _ => "f64",
        };
        precision.AcceptOnlyFromAmong("f64", "q");
        var output = new Option<FileInfo?>("--out") { Description = "Write the JSON here (atomically) instead of to standard output." };

        var command = new Command("grads",
            "Run one sequence through a model with updates deferred, and report the total loss and the gradient of the loss with " +
            "respect to every trainable parameter, as JSON: {\"loss\": number, \"gradients\": {\"layers[0].W\": [[...]], ...}}.")
        {
            model, input, target, rule, precision, output,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is null)
            {
                return 2;
            }

            return Run(
                parse.GetValue(model)!.FullName,
                parse.GetValue(input)!.FullName,
                parse.GetValue(target)?.FullName,
                parse.GetValue(rule)!,
                parse.GetValue(precision) == "q" ? GradientPrecision.Q : GradientPrecision.F64,
                parse.GetValue(output)?.FullName);
        });
        return command;
    }

    private static int Run(string model, string input, string? target, string rule, GradientPrecision precision, string? output) =>
        OlrtCommand.ReportingUserErrors("grads", () =>
        {
            if (output is not null)
            {
                AtomicFile.CheckWritable(output);
            }

            var report = GradientCheck.Run(model, input, target, rule, precision);
            if (report.FirstNonFinite() is string overflow)
            {
                Console.Error.WriteLine(
                    $"olrt grads: the result overflowed float64: {overflow}; the model's values or the inputs are too large for this sequence");
                return 1;
            }

            foreach (var (tensor, events) in report.Saturations)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"olrt grads: warning: {tensor}: {events} values saturated (clamped to the fixed-point range); see \"saturations\" in the output"));
            }

            string json = report.ToJson();
            if (output is null)
            {
                Console.WriteLine(json);
            }
            else
            {
                AtomicFile.WriteAllText(output, json + "\n");
                Console.Error.WriteLine($"olrt grads: wrote {output}");
            }

            return 0;
        });
}
