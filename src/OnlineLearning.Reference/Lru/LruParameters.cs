using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Lru;

/// <summary>
/// One trainable tensor of an LRU stack, by name. <see cref="Rows"/> are the spec's own arrays (a vector is one
/// row), so writing into them changes the model: finite-difference checks perturb parameters this way.
/// </summary>
public sealed record LruParameter(string Name, IReadOnlyList<double[]> Rows, bool IsVector);

/// <summary>The trainable tensors of an <see cref="LruSpec"/> in report order, and gradient buffers shaped like them.</summary>
public static class LruParameters
{
    /// <summary>
    /// "encoder.W", then per layer nu_log, theta_log, gamma_log, B_re, B_im, C_re, C_im, D and (glu/mlp) W1, b1,
    /// W2, b2, norm_gain, norm_bias, then "decoder.W".
    /// </summary>
    public static IReadOnlyList<LruParameter> Of(LruSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var list = new List<LruParameter>();
        if (spec.Encoder is not null)
        {
            list.Add(new LruParameter("encoder.W", spec.Encoder.W, false));
        }

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            string p = $"layers[{i}].";
            list.Add(new LruParameter(p + "nu_log", [layer.NuLog], true));
            list.Add(new LruParameter(p + "theta_log", [layer.ThetaLog], true));
            list.Add(new LruParameter(p + "gamma_log", [layer.GammaLog], true));
            list.Add(new LruParameter(p + "B_re", layer.BRe, false));
            list.Add(new LruParameter(p + "B_im", layer.BIm, false));
            list.Add(new LruParameter(p + "C_re", layer.CRe, false));
            list.Add(new LruParameter(p + "C_im", layer.CIm, false));
            list.Add(new LruParameter(p + "D", [layer.D], true));
            if (layer.Block != LruBlockKind.LruOnly)
            {
                list.Add(new LruParameter(p + "W1", layer.W1!, false));
                list.Add(new LruParameter(p + "b1", [layer.B1!], true));
                list.Add(new LruParameter(p + "W2", layer.W2!, false));
                list.Add(new LruParameter(p + "b2", [layer.B2!], true));
                list.Add(new LruParameter(p + "norm_gain", [layer.NormGain!], true));
                list.Add(new LruParameter(p + "norm_bias", [layer.NormBias!], true));
            }
        }

        if (spec.Decoder is not null)
        {
            list.Add(new LruParameter("decoder.W", spec.Decoder.W, false));
        }

        return list;
    }

    /// <summary>
    /// A spec of the same shape with every parameter zero. The references accumulate gradients in it, so that a
    /// gradient has exactly the name and shape of its parameter.
    /// </summary>
    public static LruSpec ZerosLike(LruSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec with
        {
            Encoder = spec.Encoder is null ? null : new DenseSpec(spec.Encoder.Size, Zeros(spec.Encoder.W)),
            Layers = spec.Layers.Select(ZerosLike).ToList(),
            Decoder = spec.Decoder is null ? null : new DenseSpec(spec.Decoder.Size, Zeros(spec.Decoder.W)),
        };
    }

    private static LruLayerSpec ZerosLike(LruLayerSpec l) => new()
    {
        N = l.N,
        H = l.H,
        Block = l.Block,
        NuLog = new double[l.N],
        ThetaLog = new double[l.N],
        GammaLog = new double[l.N],
        BRe = Zeros(l.BRe),
        BIm = Zeros(l.BIm),
        CRe = Zeros(l.CRe),
        CIm = Zeros(l.CIm),
        D = new double[l.H],
        W1 = l.W1 is null ? null : Zeros(l.W1),
        B1 = l.B1 is null ? null : new double[l.B1.Length],
        W2 = l.W2 is null ? null : Zeros(l.W2),
        B2 = l.B2 is null ? null : new double[l.B2.Length],
        NormGain = l.NormGain is null ? null : new double[l.NormGain.Length],
        NormBias = l.NormBias is null ? null : new double[l.NormBias.Length],
    };

    private static double[][] Zeros(double[][] m) => m.Select(r => new double[r.Length]).ToArray();
}
