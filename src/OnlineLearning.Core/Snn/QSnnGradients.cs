using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Snn;

/// <summary>The fixed-point side of the gradient check: one sequence, nothing applied, gradients in real units.</summary>
public static class QSnnGradients
{
    /// <summary>
    /// Quantises the spec to the runtime formats, runs the sequence in fixed point with updates deferred (nothing
    /// changes during the sequence), and returns the total loss and the accumulated gradients converted back to
    /// real units, named like the reference ("layers[i].W", "layers[i].threshold", "readout.W").
    /// </summary>
    public static GradientReport Compute(SnnSpec spec, double[][] input, double[][] target, SnnRule rule)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (rule == SnnRule.Bptt)
        {
            throw new ArgumentException("BPTT has no fixed-point form; use the float64 reference.", nameof(rule));
        }

        if (input.Length != target.Length)
        {
            throw new ArgumentException($"{input.Length} input rows but {target.Length} target rows.", nameof(target));
        }

        var network = QSnnNetwork.Create(spec, new QSnnOptions { Rule = rule, Schedule = UpdateSchedule.Never });
        var x = new short[spec.Inputs];
        var y = new int[spec.Outputs];
        for (int t = 0; t < input.Length; t++)
        {
            QSnnNetwork.QuantiseInput(input[t], x);
            QSnnNetwork.QuantiseTarget(target[t], y);
            network.Step(x, y);
        }

        return Report(network);
    }

    /// <summary>The loss accumulated so far and every gradient accumulator in real units.</summary>
    internal static GradientReport Report(QSnnNetwork network)
    {
        var report = new GradientReport { Loss = network.Loss };
        report.AddSaturations(network.Saturations());
        foreach (var p in network.AllParameters())
        {
            double[] values = p.GradientToDouble(network.Arena);
            if (p.Cols == 1 && p.Name.EndsWith(".threshold", StringComparison.Ordinal))
            {
                report.Add(p.Name, values);
            }
            else
            {
                var rows = new double[p.Rows][];
                for (int i = 0; i < p.Rows; i++)
                {
                    rows[i] = values.AsSpan(i * p.Cols, p.Cols).ToArray();
                }

                report.Add(p.Name, rows);
            }
        }

        return report;
    }
}
