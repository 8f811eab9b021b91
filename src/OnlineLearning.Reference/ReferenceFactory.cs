using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Lru;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference;

/// <summary>The float64 counterpart of the runtime's network factory: the one place that picks a family's reference.</summary>
public static class ReferenceFactory
{
    /// <summary>Gradients of one sequence by the float64 reference of a rule (bptt included).</summary>
    public static GradientReport Gradients(ModelSpec spec, double[][] input, double[][] target, string rule) => spec switch
    {
        SnnSpec snn => SnnReference.Gradients(snn, input, target, RuleNames.ParseSnn(rule)),
        LruSpec lru => LruReference.Gradients(lru, input, target, RuleNames.ParseLru(rule)),
        _ => throw new ArgumentException($"no float64 reference for {spec.GetType().Name}", nameof(spec)),
    };
}
