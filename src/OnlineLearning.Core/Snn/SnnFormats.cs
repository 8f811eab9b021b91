namespace OnlineLearning.Core.Snn;

/// <summary>
/// The fixed-point formats of the spiking runtime. Every tensor is int16 unless stated.
/// </summary>
/// <remarks>
/// <code>
/// quantity                                   storage  format  range        LSB       why
/// inputs x, spikes y (1.0 = 1024)            int16    Q5.10   ±32          9.8e-4    shares the trace format, so x feeds traces directly
/// W, W_out (working copy)                    int16    Q3.12   ±8           2.4e-4    init N(0, 1/fan-in) stays far from the rails
/// W_out feedback copy (readout.feedback_W)    int16    Q3.12   ±8           2.4e-4    W_out at the sequence start, for L = W_fbᵀ e
/// W, θ master copies                         int32    Q7.24   ±128         6.0e-8    small updates accumulate (plus stochastic rounding)
/// θ (threshold)                              int16    Q3.12   ±8           2.4e-4    same scale as the membrane it is compared with
/// membrane s / v, u = v − θ                  int16    Q3.12   ±8           2.4e-4    surrogate input (FastSigmoidSurrogate, 12 frac bits)
/// readout ŷ, integrated readout o            int32    Q19.12  ±2^19        2.4e-4    o sums up to 1/(1 − leak) readouts
/// decays d, λ, leak, D_t = ds_t/ds_{t-1}     int16    Q0.15   [−1, 1)      3.1e-5    multipliers of the trace kernels
/// surrogate h' = 1/(1 + k|u|)^2, ḡ           int16    Q0.15   [0, 1)       3.1e-5    FastSigmoidSurrogate output
/// Σ λ^(t−τ) h' (ḡ numerator)                 int32    Q16.15                         up to 1/(1 − λ)
/// traces ε^W, ε^θ, â, ẑ, R̂ (and e^θ)         int16    Q5.10   ±32          9.8e-4    ε ≤ 1/(1 − d) for 0/1 inputs; ẑ ≤ 1/(1 − λ)^2 = 25 at λ = 0.8
/// learning signals L, errors                 int16    Q3.12   ±8           2.4e-4    precision where |L| ≪ 1; saturations counted
/// L ⊙ h' (or L ⊙ ḡ)                          int16    Q1.14   ±2           6.1e-5    h' ≪ 1 off threshold: 2 more bits keep deep signals
/// gradient accumulators (W, θ, W_out)        int32    Q11.20  ±2048        9.5e-7    a sequence of signal × trace products
/// loss (reporting)                           int64    Q24 (MSE) / Q16 (CE)
/// </code>
/// Signal (Q12) × trace (Q10) products are Q22 and land in the Q20 accumulators with a rounding shift of 2.
/// </remarks>
public static class SnnFormats
{
    public const int ActivationFrac = 10;
    public const int TraceFrac = 10;
    public const int WeightFrac = 12;
    public const int MasterFrac = 24;
    public const int ThresholdFrac = 12;
    public const int MembraneFrac = 12;
    public const int OutputFrac = 12;
    public const int SignalFrac = 12;
    public const int ScaledSignalFrac = 14;
    public const int GradientFrac = 20;
    public const int MseLossFrac = 2 * OutputFrac;

    /// <summary>The value of one spike in the activation format.</summary>
    public const short Spike = 1 << ActivationFrac;

    /// <summary>1.0 in the trace format.</summary>
    public const short TraceOne = 1 << TraceFrac;

    /// <summary>Signal × trace → gradient accumulator.</summary>
    public const int GradientShift = SignalFrac + TraceFrac - GradientFrac;

    /// <summary>(L ⊙ h') × trace → gradient accumulator.</summary>
    public const int ScaledGradientShift = ScaledSignalFrac + TraceFrac - GradientFrac;

    /// <summary>Formats of every trainable SNN tensor.</summary>
    public static Training.ParameterFormats Parameters => new(WeightFrac, MasterFrac, GradientFrac);

    /// <summary>A real value in Q15, for decays (config time only).</summary>
    public static short Q15(double value) => (short)Math.Clamp(Math.Round(value * 32768), short.MinValue, short.MaxValue);
}
