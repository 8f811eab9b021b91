using System.CommandLine;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt plan</c>: builds a model's fixed-point network for a rule and prints its arena: every weight, state,
/// trace, gradient and scratch tensor with its storage type, Q format and bytes, and the total.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var model = new Option<FileInfo>("--model") { Description = "Model file (JSON; keys and ranges in docs/models.md).", Required = true };
        var rule = new Option<string?>("--rule")
        {
            Description = "Learning rule whose state to plan. Spiking models: ostl (default), ottt, otpe, approx-otpe, f-otpe. " +
                          "LRU models: online (default), spatial, truncated.",
        };
        var command = new Command("plan",
            "Print the memory plan of a model's fixed-point network: bytes per tensor, carved from one arena allocated at build time.")
        {
            model, rule,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is null)
            {
                return 2;
            }

            return OlrtCommand.ReportingUserErrors("plan", () =>
            {
                var spec = ModelSpec.Load(parse.GetValue(model)!.FullName);
                Console.Write(Describe(spec, parse.GetValue(rule)));
                return 0;
            });
        });
        return command;
    }

    private static string Describe(ModelSpec spec, string? rule)
    {
        var network = NetworkFactory.Create(spec, new NetworkOptions { Rule = rule });
        return $"model: {network.Family}, rule {network.Rule}, inputs {network.InputFormat.Name}, targets {network.TargetFormat.Name}\n" +
               network.Plan.Describe();
    }
}
