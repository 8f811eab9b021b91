using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// How one layer learns under a network rule. Presynaptic rules keep O(n) traces (â, ẑ); eligibility rules keep
/// per-synapse ε (and R̂). Kappa κ is the leak with which the receiver of this layer's spikes accumulates them:
/// the next layer's λ where OTPE models it (seed 002 Eq. 4), the output leak for the last layer when the loss
/// integrates the output, 0 where the rule looks at the current step only. Averaged: the spatial signal passes
/// the layer with ḡ instead of h'_t (seed 002 3.1, last paragraph).
/// </summary>
internal readonly record struct LayerShape(bool Presynaptic, double Kappa, bool Averaged)
{
    /// <summary>
    /// Per-layer form of a rule; the same shapes as the float64 reference (OnlineLearning.Reference.Snn.RuleShape).
    /// <paramref name="outputLeak"/> is the leak of the loss's output accumulation (0 for a per-step MSE).
    /// </summary>
    public static LayerShape For(SnnRule rule, bool isLast, double decay, double outputLeak)
    {
        double leaks = isLast ? outputLeak : decay;
        return rule switch
        {
            // OSTL keeps the output leak in the last layer's trace (exact there) and omits R (seed 000 Eq. 11).
            SnnRule.Ostl => new LayerShape(false, isLast ? outputLeak : 0, false),
            SnnRule.Otpe or SnnRule.FOtpe => new LayerShape(false, leaks, true),
            // OTTT's trace sees neither later layers nor the output's integration (seed 002 2.3.2).
            SnnRule.Ottt => new LayerShape(true, 0, false),
            SnnRule.ApproxOtpe => new LayerShape(true, leaks, true),
            _ => throw new ArgumentException($"The fixed-point runtime has no {rule} rule; BPTT exists only as the float64 reference.", nameof(rule)),
        };
    }
}
