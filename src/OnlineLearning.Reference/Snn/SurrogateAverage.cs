namespace OnlineLearning.Reference.Snn;

/// <summary>
/// ḡ of seed 002 3.1: a per-neuron running average of the surrogate h'_t weighted by κ^{t−t'}, where κ is the
/// leak of the layer that receives the spikes. We normalise by the sum of the weights, Σ κ^{t−t'}, rather than
/// by the step count T printed in the seed: only then does the decoupling Σ κ^{T−t} h'_t a_t ≈ ḡ Σ κ^{T−t} a_t
/// hold for a constant surrogate, and with κ = 0 ḡ is the current h'_t, so Approx OTPE reduces to OTTT.
/// </summary>
internal sealed class SurrogateAverage
{
    private readonly double _leak;
    private readonly double[] _sum;
    private double _weight;

    public SurrogateAverage(int neurons, double leak)
    {
        _leak = leak;
        _sum = new double[neurons];
        Value = new double[neurons];
    }

    /// <summary>ḡ after the last <see cref="Add"/>.</summary>
    public double[] Value { get; }

    public void Add(double[] surrogate)
    {
        _weight = (_leak * _weight) + 1;
        for (int i = 0; i < _sum.Length; i++)
        {
            _sum[i] = (_leak * _sum[i]) + surrogate[i];
            Value[i] = _sum[i] / _weight;
        }
    }
}
