using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Lru;

/// <summary>The per-step losses of an LRU stack: E_t and dE_t/dŷ_t.</summary>
internal static class LruLoss
{
    /// <summary>MSE: E_t = ½ Σ (ŷ − target)². Cross-entropy: E_t = −Σ target ⊙ log softmax(ŷ).</summary>
    public static double Step(LossKind kind, double[] output, double[] target, out double[] dOutput)
    {
        dOutput = new double[output.Length];
        double loss = 0;
        if (kind == LossKind.Mse)
        {
            for (int k = 0; k < output.Length; k++)
            {
                dOutput[k] = output[k] - target[k];
                loss += 0.5 * dOutput[k] * dOutput[k];
            }

            return loss;
        }

        double max = output.Max();
        double logSum = max + Math.Log(output.Sum(o => Math.Exp(o - max)));
        double mass = target.Sum();
        for (int k = 0; k < output.Length; k++)
        {
            double logP = output[k] - logSum;
            loss -= target[k] * logP;
            dOutput[k] = (Math.Exp(logP) * mass) - target[k];
        }

        return loss;
    }
}
