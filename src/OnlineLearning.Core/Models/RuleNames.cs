namespace OnlineLearning.Core.Models;

/// <summary>The rule names used on the command line and in configs ("ostl", "approx-otpe", "online", ...).</summary>
public static class RuleNames
{
    public static readonly IReadOnlyList<string> Snn = ["ostl", "ottt", "otpe", "approx-otpe", "f-otpe", "bptt"];

    public static readonly IReadOnlyList<string> Lru = ["online", "spatial", "truncated", "bptt"];

    public static SnnRule ParseSnn(string rule) => rule switch
    {
        "ostl" => SnnRule.Ostl,
        "ottt" => SnnRule.Ottt,
        "otpe" => SnnRule.Otpe,
        "approx-otpe" => SnnRule.ApproxOtpe,
        "f-otpe" => SnnRule.FOtpe,
        "bptt" => SnnRule.Bptt,
        _ => throw new ArgumentException($"rule '{Data.UserText.Echo(rule)}' is not a spiking-network rule; use one of {string.Join(", ", Snn)}", nameof(rule)),
    };

    public static LruRule ParseLru(string rule) => rule switch
    {
        "online" => LruRule.Online,
        "spatial" => LruRule.Spatial,
        "truncated" => LruRule.Truncated,
        "bptt" => LruRule.Bptt,
        _ => throw new ArgumentException($"rule '{Data.UserText.Echo(rule)}' is not an LRU rule; use one of {string.Join(", ", Lru)}", nameof(rule)),
    };

    /// <summary>The command-line name of a spiking rule.</summary>
    public static string Name(SnnRule rule) => rule switch
    {
        SnnRule.Ostl => "ostl",
        SnnRule.Ottt => "ottt",
        SnnRule.Otpe => "otpe",
        SnnRule.ApproxOtpe => "approx-otpe",
        SnnRule.FOtpe => "f-otpe",
        _ => "bptt",
    };

    /// <summary>The command-line name of an LRU rule.</summary>
    public static string Name(LruRule rule) => rule switch
    {
        LruRule.Online => "online",
        LruRule.Spatial => "spatial",
        LruRule.Truncated => "truncated",
        _ => "bptt",
    };
}
