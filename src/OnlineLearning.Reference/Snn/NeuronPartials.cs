using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// The local partial derivatives of σ_t (one neuron) with respect to the previous step's σ_{t-1}, y_{t-1} and,
/// directly, the threshold θ, holding the others fixed. Every rule and BPTT are built from these three numbers.
/// SNU (seed 000 Eq. 1): σ_t = W x_t + d σ_{t-1} (1 − y_{t-1}), so (d(1 − y_{t-1}), −d σ_{t-1}, 0).
/// LIF (seed 002 2.1): σ_t = λ (σ_{t-1} − θ y_{t-1}) + W x_t, so (λ, −λθ, −λ y_{t-1}).
/// </summary>
internal readonly record struct NeuronPartials(double DSigma, double DSpike, double DThreshold)
{
    /// <summary>Partials of step t's potential; at t = 0 there is no previous step and all are zero.</summary>
    public static NeuronPartials At(SnnSpec spec, SnnTrajectory run, int layer, int t, int i)
    {
        if (t == 0)
        {
            return default;
        }

        double d = spec.Decay;
        double prevSigma = run.Potential[layer][t - 1][i];
        double prevY = run.Spikes[layer][t - 1][i];
        double theta = spec.Layers[layer].Threshold[i];
        return spec.Neuron == NeuronKind.Snu
            ? new NeuronPartials(d * (1 - prevY), -d * prevSigma, 0)
            : new NeuronPartials(d, -d * theta, -d * prevY);
    }

    /// <summary>
    /// dσ_t/dσ_{t-1} including the path through the spike y_{t-1} = h(σ_{t-1} − θ) (seed 000 Eq. 16).
    /// </summary>
    public double Total(double prevSurrogate) => DSigma + (DSpike * prevSurrogate);

    /// <summary>
    /// The threshold's contribution to σ_t that does not pass through σ_{t-1}: via y_{t-1} (∂y/∂θ = −h') and
    /// directly (seed 000 Eq. 15 has the SNU case with b = −θ).
    /// </summary>
    public double ThresholdSource(double prevSurrogate) => (-DSpike * prevSurrogate) + DThreshold;
}
