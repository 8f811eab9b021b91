using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// Backpropagation through time over the stored trajectory: reverse-mode adjoints of every y^l_t and σ^l_t,
/// with the surrogate h' in place of H'. Gradients flow through the resets (the SNU's (1 − y) and s_{t-1},
/// the LIF's θ y via y and θ). Written from the local partials only, so that it checks the forward-mode rules
/// rather than repeating them.
/// </summary>
internal static class SnnBptt
{
    public static SnnGradientSet Gradients(SnnSpec spec, SnnTrajectory run, SnnObjective objective, double[][] delta)
    {
        var grads = new SnnGradientSet(spec);
        int steps = run.Steps;
        int top = spec.Layers.Count - 1;

        // Adjoint of the (possibly leaky) output: ḡo_t = δ_t + leak ḡo_{t+1}, then ∂E/∂y^L_t = W_outᵀ ḡo_t.
        var fromAbove = new double[steps][];
        var go = new double[objective.Outputs];
        for (int t = steps - 1; t >= 0; t--)
        {
            for (int c = 0; c < go.Length; c++)
            {
                go[c] = delta[t][c] + (objective.Leak * go[c]);
            }

            fromAbove[t] = objective.Back(go, spec.Layers[top].Size);
            AddOuter(grads.Readout, go, run.Spikes[top][t]);
        }

        for (int l = top; l >= 0; l--)
        {
            fromAbove = BackLayer(spec, run, l, fromAbove, grads);
        }

        return grads;
    }

    // One layer, all steps backwards; returns ∂E/∂x^l_t (the spatial signal for the layer below).
    private static double[][] BackLayer(SnnSpec spec, SnnTrajectory run, int l, double[][] fromAbove, SnnGradientSet grads)
    {
        var layer = spec.Layers[l];
        int n = layer.Size;
        var toBelow = new double[run.Steps][];
        var gSigmaNext = new double[n];   // ∂E/∂σ_{t+1}
        var gSigma = new double[n];
        for (int t = run.Steps - 1; t >= 0; t--)
        {
            var h = run.Surrogate[l][t];
            for (int i = 0; i < n; i++)
            {
                var next = t + 1 < run.Steps ? NeuronPartials.At(spec, run, l, t + 1, i) : default;
                double gy = fromAbove[t][i] + (gSigmaNext[i] * next.DSpike);
                gSigma[i] = (gy * h[i]) + (gSigmaNext[i] * next.DSigma);
                grads.Threshold[l][i] += (gSigmaNext[i] * next.DThreshold) - (gy * h[i]);   // ∂y_t/∂θ = −h'
            }

            var x = run.LayerInput(l, t);
            AddOuter(grads.W[l], gSigma, x);
            toBelow[t] = new double[x.Length];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < x.Length; j++)
                {
                    toBelow[t][j] += layer.W[i][j] * gSigma[i];
                }
            }

            (gSigmaNext, gSigma) = (gSigma, gSigmaNext);
        }

        return toBelow;
    }

    private static void AddOuter(double[][]? m, double[] left, double[] right)
    {
        if (m is null)
        {
            return;
        }

        for (int a = 0; a < left.Length; a++)
        {
            for (int b = 0; b < right.Length; b++)
            {
                m[a][b] += left[a] * right[b];
            }
        }
    }
}
