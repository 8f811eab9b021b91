using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// Float64 gradients of a feed-forward spiking network (SNU or LIF layers, optional linear readout) over one
/// sequence, by BPTT or by one of the online rules, with deferred updates: the parameters stay fixed over the
/// sequence and each rule sums its per-step estimate. Gradients are named "layers[i].W", "layers[i].threshold"
/// for each layer, then "readout.W". For F-OTPE the reported loss and gradient are those of its own objective,
/// the loss on the leaky accumulation of the output (seed 002 3.2); for a cross-entropy spec that is the spec's
/// loss, so F-OTPE and OTPE coincide there.
/// </summary>
public static class SnnReference
{
    /// <summary>Total loss E and dE/d(parameter) for every trainable parameter, estimated by the rule.</summary>
    public static GradientReport Gradients(SnnSpec spec, double[][] input, double[][] target, SnnRule rule) =>
        Gradients(spec, input, target, rule, SpikeFunction.Heaviside);

    /// <summary>The forward pass alone: potentials, spikes and surrogates of every layer at every step.</summary>
    public static SnnTrajectory Forward(SnnSpec spec, double[][] input)
    {
        ValidateSpec(spec);
        ValidateInput(spec, input);
        return SnnTrajectory.Run(spec, input, SpikeFunction.Heaviside);
    }

    internal static GradientReport Gradients(SnnSpec spec, double[][] input, double[][] target, SnnRule rule, SpikeFunction f)
    {
        ValidateSpec(spec);
        ValidateInput(spec, input);
        ValidateTarget(spec, input, target);
        var objective = rule == SnnRule.FOtpe ? SnnObjective.Accumulated(spec) : SnnObjective.ForSpec(spec);
        return Gradients(spec, input, target, rule, f, objective);
    }

    /// <summary>Any rule, BPTT included, against an explicit objective (the tests check F-OTPE's with BPTT).</summary>
    internal static GradientReport Gradients(SnnSpec spec, double[][] input, double[][] target, SnnRule rule, SpikeFunction f, SnnObjective objective)
    {
        var run = SnnTrajectory.Run(spec, input, f);
        var (loss, delta) = objective.Evaluate(run, target);
        var grads = rule switch
        {
            SnnRule.Bptt => SnnBptt.Gradients(spec, run, objective, delta),
            SnnRule.Ostl or SnnRule.Otpe or SnnRule.FOtpe =>
                EligibilityRule.Gradients(spec, run, objective, delta, RuleShape.For(rule, spec, objective)),
            SnnRule.Ottt or SnnRule.ApproxOtpe =>
                PresynapticRule.Gradients(spec, run, objective, delta, RuleShape.For(rule, spec, objective)),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, $"unknown rule {rule}"),
        };
        return grads.ToReport(loss);
    }

    private static void ValidateSpec(SnnSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Layers.Count == 0)
        {
            throw new ArgumentException("the spiking network has no layers", nameof(spec));
        }

        int fanIn = spec.Inputs;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            var layer = spec.Layers[l];
            if (layer.W.Length != layer.Size || layer.W.Any(row => row.Length != fanIn) || layer.Threshold.Length != layer.Size)
            {
                throw new ArgumentException(
                    $"layers[{l}] must have W of shape [{layer.Size}][{fanIn}] and {layer.Size} thresholds", nameof(spec));
            }

            fanIn = layer.Size;
        }

        if (spec.Readout is { } r && (r.W.Length != r.Size || r.W.Any(row => row.Length != fanIn)))
        {
            throw new ArgumentException($"readout.W must have shape [{r.Size}][{fanIn}]", nameof(spec));
        }
    }

    private static void ValidateInput(SnnSpec spec, double[][] input)
    {
        if (input is null || input.Length == 0)
        {
            throw new ArgumentException("input must hold at least one time step", nameof(input));
        }

        for (int t = 0; t < input.Length; t++)
        {
            if (input[t] is null || input[t].Length != spec.Inputs)
            {
                throw new ArgumentException(
                    $"input row {t} has {input[t]?.Length ?? 0} values; the model has {spec.Inputs} inputs", nameof(input));
            }
        }
    }

    private static void ValidateTarget(SnnSpec spec, double[][] input, double[][] target)
    {
        if (target is null || target.Length != input.Length)
        {
            throw new ArgumentException(
                $"target has {target?.Length ?? 0} rows; the input has {input.Length} time steps", nameof(target));
        }

        for (int t = 0; t < target.Length; t++)
        {
            if (target[t] is null || target[t].Length != spec.Outputs)
            {
                throw new ArgumentException(
                    $"target row {t} has {target[t]?.Length ?? 0} values; the model has {spec.Outputs} outputs", nameof(target));
            }
        }
    }
}
