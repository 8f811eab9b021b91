using System.Numerics;
using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Lru;

/// <summary>
/// Float64 reference for stacks of LRU blocks (seed 004 3, A.1, A.2): the forward pass and the gradient of the
/// total loss Σ_t E_t under each <see cref="LruRule"/>:
/// bptt, exact over the whole sequence; online, exact sensitivities per layer (Eq. 12-17) with the error of
/// step t backpropagated through step t only (seed 004 3.2); spatial, h_{t-1} held constant; truncated, the
/// error of step t backpropagated through steps t and t−1 (everything at t−2 held constant).
/// Parameters that do not act on a hidden state take the gradient of the same backward pass.
/// </summary>
public static class LruReference
{
    /// <summary>The outputs ŷ_t, [T][spec.Outputs].</summary>
    public static double[][] Forward(LruSpec spec, double[][] input)
    {
        Validate(spec, input, null);
        return LruTrace.Run(spec, input).Output;
    }

    /// <summary>
    /// Total loss and its gradients (or the rule's estimate of them), named and shaped as in
    /// <see cref="LruParameters.Of"/>. input is [T][spec.Inputs], target [T][spec.Outputs].
    /// </summary>
    public static GradientReport Gradients(LruSpec spec, double[][] input, double[][] target, LruRule rule)
    {
        Validate(spec, input, target);
        var trace = LruTrace.Run(spec, input);
        var dOutput = new double[input.Length][];
        double loss = 0;
        for (int t = 0; t < input.Length; t++)
        {
            loss += LruLoss.Step(spec.Loss, trace.Output[t], target![t], out dOutput[t]);
        }

        var grad = LruParameters.ZerosLike(spec);
        switch (rule)
        {
            case LruRule.Bptt:
                Bptt(trace, dOutput, grad);
                break;
            case LruRule.Online:
                Online(trace, dOutput, grad);
                break;
            case LruRule.Spatial:
                for (int t = 0; t < trace.Length; t++)
                {
                    LruBackward.Step(trace, t, dOutput[t], null, null, grad);
                }

                break;
            case LruRule.Truncated:
                Truncated(trace, dOutput, grad);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown LRU rule");
        }

        var report = new GradientReport { Loss = loss };
        foreach (var g in LruParameters.Of(grad))
        {
            if (g.IsVector)
            {
                report.Add(g.Name, g.Rows[0]);
            }
            else
            {
                report.Add(g.Name, g.Rows.ToArray());
            }
        }

        return report;
    }

    /// <summary>The total loss Σ_t E_t alone (for finite differences).</summary>
    public static double Loss(LruSpec spec, double[][] input, double[][] target)
    {
        Validate(spec, input, target);
        var output = LruTrace.Run(spec, input).Output;
        double loss = 0;
        for (int t = 0; t < input.Length; t++)
        {
            loss += LruLoss.Step(spec.Loss, output[t], target[t], out _);
        }

        return loss;
    }

    // One reverse sweep: the adjoint of h_t carries conj(λ) back to h_{t-1}.
    private static void Bptt(LruTrace trace, double[][] dOutput, LruSpec grad)
    {
        Complex[][]? carry = null;
        for (int t = trace.Length - 1; t >= 0; t--)
        {
            carry = LruBackward.Step(trace, t, dOutput[t], carry, null, grad);
        }
    }

    // Forward in time, using only what step t knows: the sensitivities advance (Eq. 12-14), then the error of
    // E_t is backpropagated through the current step and combined with them (Eq. 15-17).
    private static void Online(LruTrace trace, double[][] dOutput, LruSpec grad)
    {
        var spec = trace.Spec;
        var e = spec.Layers.Select(l => new LruSensitivity(l.N, l.H)).ToArray();
        for (int t = 0; t < trace.Length; t++)
        {
            for (int l = 0; l < e.Length; l++)
            {
                e[l].Advance(trace.Lambda[l], trace.Gamma[l], t == 0 ? null : trace.Steps[t - 1][l].H, trace.Steps[t][l]);
            }

            LruBackward.Step(trace, t, dOutput[t], null, e, grad);
        }
    }

    // 1-step truncation: E_t flows through step t and once more through step t−1 (all layers), no further.
    private static void Truncated(LruTrace trace, double[][] dOutput, LruSpec grad)
    {
        for (int t = 0; t < trace.Length; t++)
        {
            var carry = LruBackward.Step(trace, t, dOutput[t], null, null, grad);
            if (t > 0)
            {
                LruBackward.Step(trace, t - 1, null, carry, null, grad);
            }
        }
    }

    private static void Validate(LruSpec spec, double[][] input, double[][]? target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        if (spec.Layers.Count == 0)
        {
            throw new ArgumentException("the spec has no layers", nameof(spec));
        }

        int bad = spec.Layers.ToList().FindIndex(l => l.H != spec.Width);
        if (bad >= 0)
        {
            throw new ArgumentException($"layers[{bad}] has width {spec.Layers[bad].H}, the stack {spec.Width}", nameof(spec));
        }

        if (input.Length == 0)
        {
            throw new ArgumentException("the sequence is empty", nameof(input));
        }

        CheckRows(input, spec.Inputs, nameof(input));
        if (target is null)
        {
            return;
        }

        if (target.Length != input.Length)
        {
            throw new ArgumentException($"target has {target.Length} steps, input {input.Length}", nameof(target));
        }

        CheckRows(target, spec.Outputs, nameof(target));
    }

    private static void CheckRows(double[][] rows, int width, string name)
    {
        for (int t = 0; t < rows.Length; t++)
        {
            if (rows[t] is null || rows[t].Length != width)
            {
                throw new ArgumentException($"{name}[{t}] has {rows[t]?.Length ?? 0} values, expected {width}", name);
            }
        }
    }
}
