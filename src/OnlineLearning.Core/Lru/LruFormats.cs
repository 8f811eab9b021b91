namespace OnlineLearning.Core.Lru;

/// <summary>
/// The fixed-point formats of the LRU runtime. A value with F fractional bits is stored as round(v * 2^F).
/// </summary>
/// <remarks>
/// <code>
/// tensor                        storage  frac  range        why
/// activations x, y (layer I/O)  int16    11    ±16          Q4.11: inputs, LRU outputs, decoder inputs
/// weights B, C, D, enc, dec     int16    12    ±8           forward copies of the int32 masters
/// weight masters                int32    24    ±128         QParameter masters (QSgd, stochastic rounding);
///                                                            forward copy = round(master / 2^12)
/// ν_log, θ_log, γ_log           int32    24    ±128         int32-valued QParameters; rounded to Q16 for Exp
/// λ (re, im)                    int32    30    |λ| < 1      from ExpMinus and SinCos (Q30)
/// γ                             int32    28    ±8           exp(γ_log)
/// exp(ν_log)                    int32    26    ±32          = −ln|λ|, kept for the chain rule
/// exp(θ_log)                    int32    24    ±128         = arg λ, kept for the chain rule
/// B x                           int32    20    ±2048        MatVec of Q12 by Q11, shifted by 3
/// h (re, im)                    int32    20    ±2048        γ-normalised state; 1/(1−|λ|) bias of the
///                                                            per-step rounding stays below 2^-10 at 0.999
/// e_λ (re, im)                  int32    14    ±131072      grows like |h|/(1−|λ|): 1000x at |λ| = 0.999
/// e_γ (re, im)                  int32    16    ±32768       grows like |Bx|/(1−|λ|)
/// e_B (re, im), N x H           int32    20    ±2048        grows like γ|x|/(1−|λ|) ≈ |x|/γ
/// errors dL/dy, dL/dh, dL/dx    int32    24    ±128
/// weight gradients (B, C, D..)  int32    20    ±2048        summed over a sequence or an update period
/// λ, γ gradient sums            int64    38/40              exact products of errors and traces
/// log-parameter gradients       int32    20    ±2048        chain rule in int64 Q24 (seed 004 A.1 Eq. 11), folded
///                                                            into the QParameter gradients before updates/export
/// block a, z, x + z             int32    11                 GLU/MLP (QLruBlock): gate Q15, û Q20, 1/σ Q20
/// </code>
/// Every rounding is round-half-up (<see cref="Numerics.QMath.ShiftRightRound(int, int)"/>), every narrowing
/// saturates and is counted.
/// </remarks>
public static class LruFormats
{
    public const int ActFrac = 11;
    public const int WeightFrac = 12;
    public const int MasterFrac = 24;
    public const int LogFrac = 24;
    public const int LambdaFrac = 30;
    public const int GammaFrac = 28;
    public const int ExpNuFrac = 26;
    public const int ExpThetaFrac = 24;
    public const int BxFrac = 20;
    public const int StateFrac = 20;
    public const int ELambdaFrac = 14;
    public const int EGammaFrac = 16;
    public const int EBFrac = 20;
    public const int ErrorFrac = 24;
    public const int GradFrac = 20;
    public const int LogGradFrac = 24;

    /// <summary>Quantises a real value to <paramref name="frac"/> fractional bits, int32, rounded and saturated (config time only).</summary>
    public static int ToInt32(double value, int frac) => (int)new Numerics.QFormat(Numerics.QStorage.Int32, frac).FromDouble(value);

    /// <summary>Quantises a real value to int16 with <paramref name="frac"/> fractional bits (config time only).</summary>
    public static short ToInt16(double value, int frac) => (short)new Numerics.QFormat(Numerics.QStorage.Int16, frac).FromDouble(value);

    /// <summary>The real value of a raw integer with <paramref name="frac"/> fractional bits (export only).</summary>
    public static double ToDouble(long raw, int frac) => Math.ScaleB(raw, -frac);
}
