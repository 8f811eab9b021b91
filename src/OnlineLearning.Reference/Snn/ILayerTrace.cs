namespace OnlineLearning.Reference.Snn;

/// <summary>The per-layer state of an online rule, advanced one step at a time.</summary>
internal interface ILayerTrace
{
    /// <summary>ḡ, the κ-weighted surrogate average (h'_t when κ = 0).</summary>
    SurrogateAverage Average { get; }

    /// <summary>Advances the traces with step t of the trajectory (which must hold steps t and t − 1).</summary>
    void Step(Core.Models.SnnSpec spec, SnnTrajectory run, int l, int t);

    /// <summary>Adds this step's gradient estimate for the learning signal L = dE_t/dy_t.</summary>
    void Accumulate(double[] signal, double[][] gW, double[] gTheta);
}
