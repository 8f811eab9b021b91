using System.Numerics;
using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Networks;

/// <summary>
/// The fixed-point side of <c>olrt grads --precision q</c> for any family: one sequence through the contract with
/// updates deferred (nothing changes during the sequence), the summed step losses and every gradient in real units.
/// </summary>
public static class NetworkGradients
{
    public static GradientReport Compute(ModelSpec spec, double[][] input, double[][] target, string rule)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length != input.Length)
        {
            throw new ArgumentException($"target has {target.Length} rows, input {input.Length}: one target row per input step.", nameof(target));
        }

        var network = NetworkFactory.Create(spec, new NetworkOptions { Rule = rule, Schedule = UpdateSchedule.Never });
        var x = new short[network.Inputs];
        var y = new int[network.Outputs];
        long loss = 0, inputClamps = 0, targetClamps = 0;
        for (int t = 0; t < input.Length; t++)
        {
            inputClamps += Quantize(input[t], network.InputFormat, x);
            targetClamps += Quantize(target[t], network.TargetFormat, y);
            loss += network.Step(x, y);
        }

        GradientReport report = network.ExportGradients();
        report.Loss = network.LossFormat.ToDouble(loss);
        report.AddSaturations([("input", inputClamps), ("target", targetClamps)]);
        report.AddSaturations(network.Health().Saturations);
        return report;
    }

    /// <summary>Quantises a real row into a format (host side; the project's tie rule, saturating to T). Returns the values clamped.</summary>
    public static int Quantize<T>(ReadOnlySpan<double> values, QFormat format, Span<T> destination)
        where T : struct, IBinaryInteger<T>
    {
        int clamped = 0;
        for (int i = 0; i < values.Length; i++)
        {
            long q = QFormat.Quantize(values[i], format.FracBits, long.MinValue, long.MaxValue);
            destination[i] = T.CreateSaturating(q);
            clamped += long.CreateTruncating(destination[i]) != q ? 1 : 0;
        }

        return clamped;
    }
}
