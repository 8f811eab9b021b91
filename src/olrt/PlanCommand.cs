using System.CommandLine;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;

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
        switch (spec)
        {
            case SnnSpec snn:
                var snnRule = RuleNames.ParseSnn(rule ?? "ostl");
                RejectBptt(snnRule == SnnRule.Bptt);
                return $"model: snn ({snn.Neuron}), rule {rule ?? "ostl"}\n" +
                       QSnnNetwork.Create(snn, new QSnnOptions { Rule = snnRule }).Plan.Describe();
            case LruSpec lru:
                var lruRule = RuleNames.ParseLru(rule ?? "online");
                RejectBptt(lruRule == LruRule.Bptt);
                return $"model: lru, rule {rule ?? "online"}\n" +
                       QLruNetwork.Create(lru, new QLruOptions { Rule = lruRule }).Plan.Describe();
            default:
                throw new ArgumentException($"no plan for {spec.GetType().Name}", nameof(spec));
        }
    }

    private static void RejectBptt(bool isBptt)
    {
        if (isBptt)
        {
            throw new ArgumentException("bptt is the float64 reference and has no runtime plan", nameof(isBptt));
        }
    }
}
