using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>The learning signal of seed 000 Eq. 18, carried one layer down within the current step.</summary>
internal static class SpatialSignal
{
    /// <summary>L^{l−1}_i = Σ_k L^l_k factor_k W^l_{ki}: factor is h'^l_t (Eq. 18) or ḡ^l (seed 002 3.1).</summary>
    public static double[] Down(SnnLayerSpec layer, double[] signal, double[] factor)
    {
        var below = new double[layer.FanIn];
        for (int k = 0; k < layer.Size; k++)
        {
            double s = signal[k] * factor[k];
            for (int i = 0; i < below.Length; i++)
            {
                below[i] += layer.W[k][i] * s;
            }
        }

        return below;
    }
}
