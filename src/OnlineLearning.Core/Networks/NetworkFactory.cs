using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;

namespace OnlineLearning.Core.Networks;

/// <summary>
/// The one place that turns a model spec into a network. Nothing else switches on the model type: everything
/// downstream (plan, soak, run, train, bench, checkpoints) works through <see cref="IOnlineNetwork"/>.
/// </summary>
public static class NetworkFactory
{
    /// <summary>The rule a family learns with when none is named.</summary>
    public static string DefaultRule(ModelSpec spec) => spec switch
    {
        SnnSpec => "ostl",
        LruSpec => "online",
        _ => throw Unknown(spec),
    };

    /// <summary>The rules a family's runtime can learn with (bptt is the float64 reference only).</summary>
    public static IReadOnlyList<string> Rules(ModelSpec spec) => spec switch
    {
        SnnSpec => RuleNames.Snn.Where(r => r != "bptt").ToArray(),
        LruSpec => RuleNames.Lru.Where(r => r != "bptt").ToArray(),
        _ => throw Unknown(spec),
    };

    /// <summary>Builds the fixed-point network. A rule the family does not have is an <see cref="ArgumentException"/>.</summary>
    public static OnlineNetwork Create(ModelSpec spec, NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        string rule = options.Rule ?? DefaultRule(spec);
        switch (spec)
        {
            case SnnSpec snn:
                var snnRule = RuleNames.ParseSnn(rule);
                RejectBptt(snnRule == SnnRule.Bptt);
                return QSnnNetwork.Create(snn, new QSnnOptions
                {
                    Rule = snnRule, Schedule = options.Schedule, Sgd = options.Sgd, Kernels = options.Kernels,
                    FuseImmediateUpdate = options.FuseImmediateUpdate,
                });
            case LruSpec lru:
                var lruRule = RuleNames.ParseLru(rule);
                RejectBptt(lruRule == LruRule.Bptt);
                return QLruNetwork.Create(lru, new QLruOptions { Rule = lruRule, Schedule = options.Schedule, Sgd = options.Sgd, Kernels = options.Kernels });
            default:
                throw Unknown(spec);
        }
    }

    private static void RejectBptt(bool isBptt)
    {
        if (isBptt)
        {
            throw new ArgumentException("bptt is the float64 reference only; it has no fixed-point runtime (use --precision f64 with it)", nameof(isBptt));
        }
    }

    private static ArgumentException Unknown(ModelSpec spec) => new($"no runtime for {spec.GetType().Name}", nameof(spec));
}
