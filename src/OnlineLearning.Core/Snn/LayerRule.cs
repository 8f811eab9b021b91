using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Snn;

/// <summary>What one layer keeps and how it forms its gradient, derived from the rule and the layer's place.</summary>
internal enum LayerRule
{
    /// <summary>OSTL eligibility (seed 000 Eq. 12-16): ε per synapse and per threshold; G += (L ⊙ h') ⊗ ε.</summary>
    Ostl,

    /// <summary>OSTL eligibility plus R̂ = e + ρ R̂ (seed 002 Eq. 3-4); G += L ⊙ R̂.</summary>
    Otpe,

    /// <summary>OTTT (seed 002 2.3.2): â = λ â + x; G += (L ⊙ h') ⊗ â.</summary>
    Ottt,

    /// <summary>Approx OTPE hidden layer (seed 002 3.1): â, ẑ = â + λ ẑ, ḡ; G += (L ⊙ ḡ) ⊗ ẑ.</summary>
    ApproxOtpe,
}

internal static class LayerRules
{
    /// <summary>
    /// The per-layer form of a network rule. OTPE and Approx OTPE treat the last spiking layer like OSTL and
    /// OTTT respectively (its effect on the loss is immediate); F-OTPE also gives the last layer an R̂, decayed by
    /// the readout leak, because its loss reads a leaky sum of outputs (seed 002 3.2).
    /// </summary>
    public static LayerRule For(SnnRule rule, bool isLast) => rule switch
    {
        SnnRule.Ostl => LayerRule.Ostl,
        SnnRule.Ottt => LayerRule.Ottt,
        SnnRule.Otpe => isLast ? LayerRule.Ostl : LayerRule.Otpe,
        SnnRule.ApproxOtpe => isLast ? LayerRule.Ottt : LayerRule.ApproxOtpe,
        SnnRule.FOtpe => LayerRule.Otpe,
        _ => throw new ArgumentException($"The fixed-point runtime has no {rule} rule; BPTT exists only as the float64 reference.", nameof(rule)),
    };
}
