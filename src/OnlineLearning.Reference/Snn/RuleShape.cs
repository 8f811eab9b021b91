using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// How an online rule treats each layer. PostLeak[l] is the leak κ with which the receiver of layer l's spikes
/// accumulates them: the next layer's λ (or d) when OTPE models it (seed 002 Eq. 4), the leaky readout's leak for
/// the last layer when the loss integrates the output, 0 where the rule looks at the current step only.
/// Averaged: the spatial signal passes a layer with its ḡ instead of the current h'_t (seed 002 3.1, last
/// paragraph: "ḡ instead of the most recent time-step's surrogate gradients").
/// </summary>
internal sealed record RuleShape(double[] PostLeak, bool Averaged)
{
    public static RuleShape For(SnnRule rule, SnnSpec spec, SnnObjective objective)
    {
        int layers = spec.Layers.Count;
        double[] Leaks(double hidden) =>
            Enumerable.Range(0, layers).Select(l => l == layers - 1 ? objective.Leak : hidden).ToArray();

        return rule switch
        {
            // OSTL keeps the readout's leak in the last layer's trace (exact, like seed 000 S4 for stateless
            // readouts) and ignores how later layers integrate spikes (R omitted, seed 000 Eq. 11).
            SnnRule.Ostl => new RuleShape(Leaks(0), false),
            SnnRule.Otpe or SnnRule.FOtpe => new RuleShape(Leaks(spec.Decay), true),
            // OTTT's O(n) trace sees neither later layers nor the readout's integration (seed 002 2.3.2).
            SnnRule.Ottt => new RuleShape(new double[layers], false),
            SnnRule.ApproxOtpe => new RuleShape(Leaks(spec.Decay), true),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "not an online rule"),
        };
    }
}
