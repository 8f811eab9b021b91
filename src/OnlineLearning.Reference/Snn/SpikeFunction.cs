namespace OnlineLearning.Reference.Snn;

/// <summary>
/// The output nonlinearity h of the neurons. <see cref="Heaviside"/> is the model; <see cref="Sigmoid"/> is the
/// soft SNU of seed 000 (h = σ) and exists so that finite differences can check every partial derivative of
/// the reference, including the reset paths, on a model that is smooth everywhere.
/// </summary>
internal enum SpikeFunction
{
    /// <summary>y = H(u), with the fast-sigmoid surrogate 1/(1 + k|u|)² in place of H'.</summary>
    Heaviside,

    /// <summary>y = 1/(1 + e^{-ku}), with its exact derivative k y (1 − y).</summary>
    Sigmoid,
}

/// <summary>Output and derivative of the spike function at u = σ − θ.</summary>
internal static class Spike
{
    public static double Output(SpikeFunction f, double u, double k) => f switch
    {
        SpikeFunction.Heaviside => u > 0 ? 1 : 0,
        _ => 1 / (1 + Math.Exp(-k * u)),
    };

    public static double Derivative(SpikeFunction f, double u, double k)
    {
        if (f == SpikeFunction.Heaviside)
        {
            double r = 1 + (k * Math.Abs(u));
            return 1 / (r * r);
        }

        double y = Output(f, u, k);
        return k * y * (1 - y);
    }
}
