using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// λ = exp(−exp(ν_log) + i exp(θ_log)) and γ = exp(γ_log) from the Q24 log-parameter masters, integer-only
/// (seed 004 A.1 Eq. 11), and the chain rule from the λ and γ gradient sums back to the logs.
/// </summary>
internal static class LruEigenvalues
{
    private const int ToExpInput = LruFormats.LogFrac - QFunctions.ExpInputFracBits;

    /// <summary>Recomputes λ, γ and the cached exponentials of one unit.</summary>
    public static void Compute(
        int nuLog, int thetaLog, int gammaLog,
        out int lambdaRe, out int lambdaIm, out int gamma, out int expNu, out int expTheta)
    {
        expNu = QFunctions.Exp(QMath.ShiftRightRound(nuLog, ToExpInput), LruFormats.ExpNuFrac);
        int modulus = QFunctions.ExpMinus(expNu);                                    // |λ| in Q30
        expTheta = QFunctions.Exp(QMath.ShiftRightRound(thetaLog, ToExpInput), LruFormats.ExpThetaFrac);
        QFunctions.SinCos(QFunctions.RadiansToTurns(expTheta, LruFormats.ExpThetaFrac), out int sin, out int cos);
        lambdaRe = (int)QMath.ShiftRightRound((long)modulus * cos, 30);
        lambdaIm = (int)QMath.ShiftRightRound((long)modulus * sin, 30);
        gamma = QFunctions.Exp(QMath.ShiftRightRound(gammaLog, ToExpInput), LruFormats.GammaFrac);
    }

    /// <summary>
    /// dL/dν_log = −exp(ν_log) Re(λ G), dL/dθ_log = −exp(θ_log) Im(λ G) with G = Σ conj(∂L/∂h) e_λ (Q38), and
    /// dL/dγ_log = γ G_γ with G_γ = Σ Re(conj(∂L/∂h) e_γ) (Q40). Results in Q24, int64.
    /// </summary>
    public static void ChainRule(
        long gLambdaRe, long gLambdaIm, long gGamma, int lambdaRe, int lambdaIm, int gamma, int expNu, int expTheta,
        out long dNuLog, out long dThetaLog, out long dGammaLog)
    {
        const int toQ24Lambda = (LruFormats.ErrorFrac + LruFormats.ELambdaFrac) - LruFormats.LogGradFrac;
        const int toQ24Gamma = (LruFormats.ErrorFrac + LruFormats.EGammaFrac) - LruFormats.LogGradFrac;
        long gr = QMath.ShiftRightRound(gLambdaRe, toQ24Lambda), gi = QMath.ShiftRightRound(gLambdaIm, toQ24Lambda);
        Int128 wRe = ((Int128)lambdaRe * gr) - ((Int128)lambdaIm * gi);                  // λ G in Q54
        Int128 wIm = ((Int128)lambdaRe * gi) + ((Int128)lambdaIm * gr);
        long wRe24 = Round(wRe, LruFormats.LambdaFrac), wIm24 = Round(wIm, LruFormats.LambdaFrac);
        dNuLog = -Round((Int128)expNu * wRe24, LruFormats.ExpNuFrac);
        dThetaLog = -Round((Int128)expTheta * wIm24, LruFormats.ExpThetaFrac);
        dGammaLog = Round((Int128)gamma * QMath.ShiftRightRound(gGamma, toQ24Gamma), LruFormats.GammaFrac);
    }

    private static long Round(Int128 x, int shift)
    {
        Int128 r = (x + (Int128.One << (shift - 1))) >> shift;
        return r > long.MaxValue ? long.MaxValue : r < long.MinValue ? long.MinValue : (long)r;
    }
}
