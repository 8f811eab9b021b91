using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>The fixed-point side of <c>olrt grads --precision q</c> for LRU models.</summary>
public static class QLruGradients
{
    /// <summary>
    /// Quantises the spec, runs one sequence in fixed point with updates deferred, and returns the total loss
    /// and the gradients in real units, named like the float64 reference. <paramref name="rule"/> must not be BPTT.
    /// </summary>
    public static GradientReport Compute(LruSpec spec, double[][] input, double[][] target, LruRule rule)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length != input.Length)
        {
            throw new ArgumentException($"target has {target.Length} rows, input {input.Length}: one target row per input step.", nameof(target));
        }

        var network = QLruNetwork.Create(spec, new QLruOptions { Rule = rule });
        var x = new short[spec.Inputs];
        var y = new int[spec.Outputs];
        double loss = 0;
        for (int t = 0; t < input.Length; t++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = ToInt16(input[t][i], ActFrac);
            }

            for (int k = 0; k < y.Length; k++)
            {
                y[k] = ToInt32(target[t][k], ErrorFrac);
            }

            network.Step(x, y);
            loss += StepLoss(spec.Loss, network.Output, target[t]);
        }

        GradientReport report = network.ExportGradients();
        report.Loss = loss;
        report.AddSaturations(network.Arena.SaturationReport());
        return report;
    }

    /// <summary>E_t from the integer outputs, in double (export only).</summary>
    private static double StepLoss(LossKind kind, ReadOnlySpan<int> output, double[] target)
    {
        double[] o = new double[output.Length];
        for (int k = 0; k < o.Length; k++)
        {
            o[k] = ToDouble(output[k], ErrorFrac);
        }

        if (kind == LossKind.Mse)
        {
            return o.Select((v, k) => 0.5 * (v - target[k]) * (v - target[k])).Sum();
        }

        double max = o.Max();
        double logSum = max + Math.Log(o.Sum(v => Math.Exp(v - max)));
        return -o.Select((v, k) => target[k] * (v - logSum)).Sum();
    }
}
