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
/// errors e (loss derivative)                 int16    Q3.12   ±8           2.4e-4    softmax − one-hot, or ŷ − y; saturations counted
/// errors e, MSE on a leaky-integrated output  int16    Q5.10   ±32          9.8e-4    o − y with o up to 1/(1 − leak) readouts (F-OTPE)
/// learning signals L (layers[i].signal)      int32    Q7.24   ±128         6.0e-8    reaches layer 0 through two surrogates (h' ~ 0.03 each): ~1e-4
/// L ⊙ h' (or L ⊙ ḡ, layers[i].signal_g)      int32    Q3.28   ±8           3.7e-9    ~1e-6 in layer 0 of a deep LIF net, still ≥ 8 significant bits
/// row coefficient for the int16 kernels      int16    m·2^−f  per row      15 bits   WideSignal.Normalise: per-row exponent f (Q28 → f ≤ 28)
/// gradient accumulators (W, θ, W_out)        int32    Q11.20  ±2048        9.5e-7    a sequence of signal × trace products
/// loss (reporting)                           int64    Q24 (MSE) / Q16 (CE)
/// </code>
/// The row kernels take int16 coefficients, so a wide signal meets a row of traces (or of W, going down) as a
/// 15-bit mantissa m with its own fractional bits f (<see cref="WideSignal"/>): m (Qf) × trace (Q10) lands in
/// the Q20 accumulator with a rounding shift of f − 10, and m × W (Q12) in the Q24 signal below with a shift of
/// f − 12. Per-neuron products (θ) are formed in int64 from the int32 signal directly. The top signal is
/// W_outᵀ e: Q12 × Q12 products are Q24 already.
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
    /// <summary>Errors e (int16).</summary>
    public const int ErrorFrac = 12;

    /// <summary>Errors e of an MSE on a leaky-integrated output (int16): o reaches ±10 and more.</summary>
    public const int IntegratedErrorFrac = 10;

    /// <summary>Learning signals L (int32).</summary>
    public const int SignalFrac = 24;

    /// <summary>L ⊙ h' and L ⊙ ḡ (int32).</summary>
    public const int ScaledSignalFrac = 28;
    public const int GradientFrac = 20;
    public const int MseLossFrac = 2 * OutputFrac;

    /// <summary>The value of one spike in the activation format.</summary>
    public const short Spike = 1 << ActivationFrac;

    /// <summary>1.0 in the trace format.</summary>
    public const short TraceOne = 1 << TraceFrac;

    /// <summary>Formats of every trainable SNN tensor.</summary>
    public static Training.ParameterFormats Parameters => new(WeightFrac, MasterFrac, GradientFrac);

    /// <summary>A real value in Q15, for decays (config time only).</summary>
    public static short Q15(double value) => (short)Numerics.QFormat.Q15.FromDouble(value);
}
