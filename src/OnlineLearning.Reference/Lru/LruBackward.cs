using System.Numerics;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Lru;

/// <summary>
/// The exact sensitivities of one LRU layer (seed 004 A.2 Eq. 12-14), indexed so that h_t takes x_t:
/// e^λ_t = λ ⊙ e^λ_{t-1} + h_{t-1}, e^γ_t = λ ⊙ e^γ_{t-1} + B x_t, e^B_t = diag(λ) e^B_{t-1} + γ x_tᵀ.
/// e^B serves B_re and B_im alike: dh/dB_re = e^B and dh/dB_im = i e^B.
/// </summary>
internal sealed class LruSensitivity
{
    public LruSensitivity(int n, int h)
    {
        Lambda = new Complex[n];
        Gamma = new Complex[n];
        B = new Complex[n][];
        for (int i = 0; i < n; i++)
        {
            B[i] = new Complex[h];
        }
    }

    public Complex[] Lambda { get; }

    public Complex[] Gamma { get; }

    public Complex[][] B { get; }

    /// <summary>Advances the sensitivities to step t from the trace (h_{t-1}, v_t = B x_t, x_t).</summary>
    public void Advance(Complex[] lambda, double[] gamma, Complex[]? hPrevious, LayerStep now)
    {
        for (int n = 0; n < Lambda.Length; n++)
        {
            Lambda[n] = (lambda[n] * Lambda[n]) + (hPrevious?[n] ?? Complex.Zero); // Eq. 12
            Gamma[n] = (lambda[n] * Gamma[n]) + now.V[n];                           // Eq. 13
            for (int j = 0; j < B[n].Length; j++)
            {
                B[n][j] = (lambda[n] * B[n][j]) + (gamma[n] * now.X[j]);           // Eq. 14
            }
        }
    }
}

/// <summary>
/// One step of reverse-mode differentiation through the whole stack. Complex adjoints use the real-gradient
/// convention g = ∂L/∂Re(z) + i ∂L/∂Im(z) (= 2 d_z̄ L, seed 004 2.3), under which w = a z passes g_z = conj(a) g_w
/// and g_a = conj(z) g_w. In this convention seed 004 Eq. 15-17 read g_λ = Σ conj(e^λ_t) g_{h_t},
/// dL/dγ = Σ Re(conj(e^γ_t) g_{h_t}) (Eq. 23: the factor 2 is inside g), g_B = Σ conj(e^B_t) g_{h_t}.
/// </summary>
internal static class LruBackward
{
    /// <summary>
    /// Backpropagates step t. <paramref name="dOutput"/> is dE_t/dŷ_t (null: no loss at this step);
    /// <paramref name="carry"/> holds, per layer, the adjoint of h_t arriving from step t+1 (null: none).
    /// With <paramref name="sensitivity"/> the recurrent parameters λ, γ, B take their credit from the exact
    /// sensitivities (online rule); without, from the immediate dependence of h_t on them (h_{t-1} held
    /// constant). Returns, per layer, the adjoint that reaches h_{t-1}: conj(λ) ⊙ g_{h_t}.
    /// </summary>
    public static Complex[][] Step(LruTrace trace, int t, double[]? dOutput, Complex[][]? carry, LruSensitivity[]? sensitivity, LruSpec grad)
    {
        var spec = trace.Spec;
        int layers = spec.Layers.Count;
        var da = new double[spec.Width];
        if (dOutput is not null)
        {
            var top = trace.Steps[t][layers - 1].Out;
            if (spec.Decoder is null)
            {
                Dense.Add(da, dOutput);
            }
            else
            {
                Dense.AddOuter(grad.Decoder!.W, dOutput, top);
                Dense.AddTransposed(spec.Decoder.W, dOutput, da);
            }
        }

        var carryOut = new Complex[layers][];
        for (int l = layers - 1; l >= 0; l--)
        {
            var hPrevious = t == 0 ? null : trace.Steps[t - 1][l].H;
            (da, carryOut[l]) = Layer(trace, l, trace.Steps[t][l], hPrevious, da, carry?[l], sensitivity?[l], grad.Layers[l]);
        }

        if (spec.Encoder is not null)
        {
            Dense.AddOuter(grad.Encoder!.W, da, trace.Input[t]);
        }

        return carryOut;
    }

    private static (double[] Dx, Complex[] Carry) Layer(
        LruTrace trace, int l, LayerStep s, Complex[]? hPrevious, double[] dOut, Complex[]? carry, LruSensitivity? e, LruLayerSpec grad)
    {
        var p = trace.Spec.Layers[l];
        var lambda = trace.Lambda[l];
        var gamma = trace.Gamma[l];
        var dx = new double[p.H];
        var dy = p.Block == LruBlockKind.LruOnly ? dOut : LruBlock.Backward(p, s, dOut, grad, dx);

        // Eq. 9: y = Re(C h) + D ⊙ x, so ∂y_k/∂Re h_n = C_re,kn and ∂y_k/∂Im h_n = −C_im,kn.
        var gh = new Complex[p.N];
        for (int k = 0; k < p.H; k++)
        {
            grad.D[k] += dy[k] * s.X[k];
            dx[k] += p.D[k] * dy[k];
            for (int n = 0; n < p.N; n++)
            {
                grad.CRe[k][n] += dy[k] * s.H[n].Real;
                grad.CIm[k][n] -= dy[k] * s.H[n].Imaginary;
                gh[n] += dy[k] * new Complex(p.CRe[k][n], -p.CIm[k][n]);
            }
        }

        var carryOut = new Complex[p.N];
        for (int n = 0; n < p.N; n++)
        {
            if (carry is not null)
            {
                gh[n] += carry[n];
            }

            // The dependence of h_t on λ, γ and B: the exact sensitivities (online) or the immediate one.
            var eLambda = e?.Lambda[n] ?? hPrevious?[n] ?? Complex.Zero;
            var eGamma = e?.Gamma[n] ?? s.V[n];
            var gLambda = Complex.Conjugate(eLambda) * gh[n];                    // Eq. 15
            double gGamma = (Complex.Conjugate(eGamma) * gh[n]).Real;           // Eq. 16, 23

            // Eq. 11 by the chain rule: ∂λ/∂ν_log = −exp(ν_log) λ, ∂λ/∂θ_log = i exp(θ_log) λ, and a real
            // parameter r moving λ by ∂λ/∂r gets dL/dr = Re(conj(g_λ) ∂λ/∂r).
            var dLambdaDNu = -Math.Exp(p.NuLog[n]) * lambda[n];
            var dLambdaDTheta = Complex.ImaginaryOne * Math.Exp(p.ThetaLog[n]) * lambda[n];
            grad.NuLog[n] += (Complex.Conjugate(gLambda) * dLambdaDNu).Real;
            grad.ThetaLog[n] += (Complex.Conjugate(gLambda) * dLambdaDTheta).Real;
            grad.GammaLog[n] += gGamma * gamma[n];                               // γ = exp(γ_log)

            var gv = gamma[n] * gh[n];
            for (int j = 0; j < p.H; j++)
            {
                var eB = e?.B[n][j] ?? gamma[n] * s.X[j];
                var gB = Complex.Conjugate(eB) * gh[n];                          // Eq. 17, 25
                grad.BRe[n][j] += gB.Real;
                grad.BIm[n][j] += gB.Imaginary;
                dx[j] += (gv.Real * p.BRe[n][j]) + (gv.Imaginary * p.BIm[n][j]); // the current step only
            }

            carryOut[n] = Complex.Conjugate(lambda[n]) * gh[n];
        }

        return (dx, carryOut);
    }
}
