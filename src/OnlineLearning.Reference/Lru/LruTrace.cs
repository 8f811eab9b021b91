using System.Numerics;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Lru;

/// <summary>What one layer computed at one step; the backward passes read it.</summary>
internal sealed class LayerStep
{
    /// <summary>Block input x_t (the previous layer's output, or the encoded input).</summary>
    public required double[] X { get; init; }

    /// <summary>v_t = B x_t, before the γ scaling.</summary>
    public required Complex[] V { get; init; }

    /// <summary>h_t = λ ⊙ h_{t-1} + γ ⊙ v_t.</summary>
    public required Complex[] H { get; init; }

    /// <summary>y_t = Re(C h_t) + D ⊙ x_t.</summary>
    public required double[] Y { get; init; }

    /// <summary>The layer output: y_t for "lru-only", LayerNorm(x_t + z_t) ⊙ gain + bias otherwise.</summary>
    public required double[] Out { get; init; }

    /// <summary>Block only: W1 y + b1.</summary>
    public double[]? P { get; init; }

    /// <summary>Block only: the GLU gate sigmoid(W2 y + b2), or the MLP hidden tanh(W1 y + b1).</summary>
    public double[]? G { get; init; }

    /// <summary>Block only: the normalised residual (u − mean) / sqrt(var + ε).</summary>
    public double[]? UHat { get; init; }

    /// <summary>Block only: 1 / sqrt(var + ε).</summary>
    public double InvStd { get; init; }
}

/// <summary>
/// The forward pass of an LRU stack over a whole sequence, every intermediate kept (host-only reference):
/// seed 004 Eq. 8-11 per layer, the block of <see cref="LruLayerSpec"/>, a linear encoder and decoder.
/// </summary>
internal sealed class LruTrace
{
    private LruTrace(LruSpec spec, double[][] input, Complex[][] lambda, double[][] gamma, int steps)
    {
        Spec = spec;
        Input = input;
        Lambda = lambda;
        Gamma = gamma;
        Steps = new LayerStep[steps][];
        Output = new double[steps][];
    }

    public LruSpec Spec { get; }

    public double[][] Input { get; }

    /// <summary>λ per layer, Eq. 11: exp(−exp(ν_log) + i exp(θ_log)).</summary>
    public Complex[][] Lambda { get; }

    /// <summary>γ per layer: exp(γ_log).</summary>
    public double[][] Gamma { get; }

    /// <summary>[t][layer].</summary>
    public LayerStep[][] Steps { get; }

    /// <summary>ŷ_t, [t][Outputs].</summary>
    public double[][] Output { get; }

    public int Length => Steps.Length;

    public static LruTrace Run(LruSpec spec, double[][] input)
    {
        var lambda = spec.Layers.Select(l => l.NuLog.Select((nu, n) =>
            Complex.Exp(new Complex(-Math.Exp(nu), Math.Exp(l.ThetaLog[n])))).ToArray()).ToArray();
        var gamma = spec.Layers.Select(l => l.GammaLog.Select(Math.Exp).ToArray()).ToArray();
        var trace = new LruTrace(spec, input, lambda, gamma, input.Length);
        for (int t = 0; t < input.Length; t++)
        {
            trace.Step(t);
        }

        return trace;
    }

    private void Step(int t)
    {
        var x = Spec.Encoder is null ? (double[])Input[t].Clone() : Dense.Apply(Spec.Encoder.W, Input[t]);
        var layers = new LayerStep[Spec.Layers.Count];
        for (int l = 0; l < layers.Length; l++)
        {
            var previous = t == 0 ? null : Steps[t - 1][l].H;
            layers[l] = LayerForward(Spec.Layers[l], Lambda[l], Gamma[l], previous, x);
            x = layers[l].Out;
        }

        Steps[t] = layers;
        Output[t] = Spec.Decoder is null ? (double[])x.Clone() : Dense.Apply(Spec.Decoder.W, x);
    }

    private static LayerStep LayerForward(LruLayerSpec p, Complex[] lambda, double[] gamma, Complex[]? hPrev, double[] x)
    {
        var v = new Complex[p.N];
        var h = new Complex[p.N];
        for (int n = 0; n < p.N; n++)
        {
            for (int j = 0; j < p.H; j++)
            {
                v[n] += new Complex(p.BRe[n][j], p.BIm[n][j]) * x[j];
            }

            // Seed 004 Eq. 8 (indexed so that h_t takes x_t): h_t = λ ⊙ h_{t-1} + γ ⊙ B x_t, h_{-1} = 0.
            h[n] = (hPrev is null ? Complex.Zero : lambda[n] * hPrev[n]) + (gamma[n] * v[n]);
        }

        // Eq. 9: y_t = Re(C h_t) + D ⊙ x_t, with D diagonal.
        var y = new double[p.H];
        for (int k = 0; k < p.H; k++)
        {
            y[k] = p.D[k] * x[k];
            for (int n = 0; n < p.N; n++)
            {
                y[k] += (p.CRe[k][n] * h[n].Real) - (p.CIm[k][n] * h[n].Imaginary);
            }
        }

        if (p.Block == LruBlockKind.LruOnly)
        {
            return new LayerStep { X = x, V = v, H = h, Y = y, Out = y };
        }

        return LruBlock.Forward(p, x, v, h, y);
    }
}

/// <summary>Dense matrix helpers for the references.</summary>
internal static class Dense
{
    /// <summary>W x for W [rows][cols].</summary>
    public static double[] Apply(double[][] w, double[] x)
    {
        var r = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            for (int j = 0; j < x.Length; j++)
            {
                r[i] += w[i][j] * x[j];
            }
        }

        return r;
    }

    /// <summary>Wᵀ d for W [rows][cols], added into <paramref name="into"/>.</summary>
    public static void AddTransposed(double[][] w, double[] d, double[] into)
    {
        for (int i = 0; i < w.Length; i++)
        {
            for (int j = 0; j < into.Length; j++)
            {
                into[j] += w[i][j] * d[i];
            }
        }
    }

    /// <summary>G += d xᵀ.</summary>
    public static void AddOuter(double[][] g, double[] d, double[] x)
    {
        for (int i = 0; i < g.Length; i++)
        {
            for (int j = 0; j < x.Length; j++)
            {
                g[i][j] += d[i] * x[j];
            }
        }
    }

    public static void Add(double[] into, double[] d)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] += d[i];
        }
    }
}
