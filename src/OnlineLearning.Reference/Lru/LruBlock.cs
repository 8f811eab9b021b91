using System.Numerics;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Lru;

/// <summary>
/// The instantaneous part of a "glu" or "mlp" block (seed 004 Fig. 1: GLU, residual, layer norm; layer norm
/// rather than batch norm so that nothing crosses time, seed 004 4.3):
/// glu: z = (W1 y + b1) ⊙ sigmoid(W2 y + b2); mlp: z = W2 tanh(W1 y + b1) + b2;
/// then out = LayerNorm(x + z) ⊙ norm_gain + norm_bias.
/// </summary>
internal static class LruBlock
{
    public static LayerStep Forward(LruLayerSpec p, double[] x, Complex[] v, Complex[] h, double[] y)
    {
        int width = p.H;
        var pre = Dense.Apply(p.W1!, y);
        Dense.Add(pre, p.B1!);
        var g = new double[width];
        var z = new double[width];
        if (p.Block == LruBlockKind.Glu)
        {
            var q = Dense.Apply(p.W2!, y);
            for (int k = 0; k < width; k++)
            {
                g[k] = 1 / (1 + Math.Exp(-(q[k] + p.B2![k])));
                z[k] = pre[k] * g[k];
            }
        }
        else
        {
            for (int k = 0; k < width; k++)
            {
                g[k] = Math.Tanh(pre[k]);
            }

            z = Dense.Apply(p.W2!, g);
            Dense.Add(z, p.B2!);
        }

        var u = new double[width];
        for (int k = 0; k < width; k++)
        {
            u[k] = x[k] + z[k];
        }

        double mean = u.Average();
        double variance = u.Select(a => (a - mean) * (a - mean)).Average();
        double invStd = 1 / Math.Sqrt(variance + LruLayerSpec.NormEpsilon);
        var uHat = u.Select(a => (a - mean) * invStd).ToArray();
        var output = new double[width];
        for (int k = 0; k < width; k++)
        {
            output[k] = (uHat[k] * p.NormGain![k]) + p.NormBias![k];
        }

        return new LayerStep { X = x, V = v, H = h, Y = y, Out = output, P = pre, G = g, UHat = uHat, InvStd = invStd };
    }

    /// <summary>
    /// Given dL/d(out), accumulates the block's parameter gradients into <paramref name="grad"/>, adds the
    /// residual's share into <paramref name="dx"/> and returns dL/dy.
    /// </summary>
    public static double[] Backward(LruLayerSpec p, LayerStep s, double[] dOut, LruLayerSpec grad, double[] dx)
    {
        int width = p.H;
        var dUHat = new double[width];
        for (int k = 0; k < width; k++)
        {
            grad.NormGain![k] += dOut[k] * s.UHat![k];
            grad.NormBias![k] += dOut[k];
            dUHat[k] = dOut[k] * p.NormGain![k];
        }

        // Layer norm: du = s (dû − mean(dû) − û mean(dû ⊙ û)).
        double meanD = dUHat.Average();
        double meanDu = dUHat.Select((d, k) => d * s.UHat![k]).Average();
        var dz = new double[width];
        for (int k = 0; k < width; k++)
        {
            dz[k] = s.InvStd * (dUHat[k] - meanD - (s.UHat![k] * meanDu));
            dx[k] += dz[k];
        }

        var dy = new double[width];
        var dPre = new double[width];
        if (p.Block == LruBlockKind.Glu)
        {
            var dq = new double[width];
            for (int k = 0; k < width; k++)
            {
                dPre[k] = dz[k] * s.G![k];
                dq[k] = dz[k] * s.P![k] * s.G[k] * (1 - s.G[k]);
            }

            Dense.AddOuter(grad.W2!, dq, s.Y);
            Dense.Add(grad.B2!, dq);
            Dense.AddTransposed(p.W2!, dq, dy);
        }
        else
        {
            Dense.AddOuter(grad.W2!, dz, s.G!);
            Dense.Add(grad.B2!, dz);
            var dHidden = new double[width];
            Dense.AddTransposed(p.W2!, dz, dHidden);
            for (int k = 0; k < width; k++)
            {
                dPre[k] = dHidden[k] * (1 - (s.G![k] * s.G[k]));
            }
        }

        Dense.AddOuter(grad.W1!, dPre, s.Y);
        Dense.Add(grad.B1!, dPre);
        Dense.AddTransposed(p.W1!, dPre, dy);
        return dy;
    }
}
