using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// A float64 training loop for the learning baselines: per sequence, the rule's gradient from
/// <see cref="SnnReference.Gradients(SnnSpec, double[][], double[][], SnnRule)"/> (parameters fixed over the
/// sequence), then one plain SGD step applied in place to the spec's arrays (W, θ and the readout).
/// Prediction is the arg-max of the output after the last step (the integrated readout for cross-entropy).
/// </summary>
public static class SnnTrainer
{
    /// <summary>One sequence: gradient by the rule, then W −= lr · dE/dW on every parameter. Returns the loss.</summary>
    public static double TrainSequence(SnnSpec spec, double[][] input, double[][] target, SnnRule rule, double learningRate, bool trainThresholds = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var report = SnnReference.Gradients(spec, input, target, rule);
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            Descend(spec.Layers[l].W, report[$"layers[{l}].W"].Values, learningRate);
            if (trainThresholds)
            {
                Descend(spec.Layers[l].Threshold, report[$"layers[{l}].threshold"].Values, learningRate);
            }
        }

        if (spec.Readout is { } readout)
        {
            Descend(readout.W, report["readout.W"].Values, learningRate);
        }

        return report.Loss;
    }

    /// <summary>The arg-max of the output after the last step: o_T of the spec's objective.</summary>
    public static int Predict(SnnSpec spec, double[][] input)
    {
        var run = SnnReference.Forward(spec, input);
        var objective = SnnObjective.ForSpec(spec);
        var o = new double[spec.Outputs];
        foreach (var y in run.Spikes[^1])
        {
            var readout = objective.Apply(y);
            for (int c = 0; c < o.Length; c++)
            {
                o[c] = (objective.Leak * o[c]) + readout[c];
            }
        }

        int best = 0;
        for (int c = 1; c < o.Length; c++)
        {
            if (o[c] > o[best])
            {
                best = c;
            }
        }

        return best;
    }

    private static void Descend(double[][] w, double[] gradient, double learningRate)
    {
        int k = 0;
        foreach (var row in w)
        {
            for (int j = 0; j < row.Length; j++)
            {
                row[j] -= learningRate * gradient[k++];
            }
        }
    }

    private static void Descend(double[] w, double[] gradient, double learningRate)
    {
        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= learningRate * gradient[i];
        }
    }
}
