using OnlineLearning.Core.Data;
using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Reference.Lru;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference;

/// <summary>The arithmetic a gradient check runs in.</summary>
public enum GradientPrecision
{
    /// <summary>The float64 reference of the rule.</summary>
    F64,

    /// <summary>The fixed-point runtime: quantised model, integer step, gradients converted back to real units.</summary>
    Q,
}

/// <summary>
/// What "olrt grads" does, without the command line: load a model and its sequence, run one rule over it with
/// updates deferred, and report the total loss and every parameter's gradient in real units.
/// </summary>
public static class GradientCheck
{
    /// <summary>
    /// Loads the files (errors name the file and line) and runs the check. Without a target file the targets are
    /// zero. Throws <see cref="DataFileException"/> for unusable files and <see cref="ArgumentException"/> for a rule
    /// or precision the model does not have.
    /// </summary>
    public static GradientReport Run(string modelPath, string inputPath, string? targetPath, string rule, GradientPrecision precision)
    {
        var spec = ModelSpec.Load(modelPath);
        var input = CsvSeries.Load(inputPath, spec.Inputs);
        double[][] target;
        if (targetPath is null)
        {
            target = input.Select(_ => new double[spec.Outputs]).ToArray();
        }
        else
        {
            target = CsvSeries.Load(targetPath, spec.Outputs);
            if (target.Length != input.Length)
            {
                throw new DataFileException(targetPath, 0, $"has {target.Length} rows, but {inputPath} has {input.Length}: one target row per input step");
            }
        }

        return Run(spec, input, target, rule, precision);
    }

    /// <summary>Runs the check on a model and sequence already in memory.</summary>
    public static GradientReport Run(ModelSpec spec, double[][] input, double[][] target, string rule, GradientPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(rule);
        return spec switch
        {
            SnnSpec snn => RunSnn(snn, input, target, RuleNames.ParseSnn(rule), precision),
            LruSpec lru => RunLru(lru, input, target, RuleNames.ParseLru(rule), precision),
            _ => throw new ArgumentException($"no gradient check for {spec.GetType().Name}", nameof(spec)),
        };
    }

    private static GradientReport RunSnn(SnnSpec spec, double[][] input, double[][] target, SnnRule rule, GradientPrecision precision)
    {
        if (precision == GradientPrecision.F64)
        {
            return SnnReference.Gradients(spec, input, target, rule);
        }

        RequireRuntimeRule(rule == SnnRule.Bptt);
        var report = QSnnGradients.Compute(spec, input, target, rule);
        var host = new List<(string, long)>
        {
            Clamped("input", input, SnnFormats.ActivationFrac, int32: false),
            Clamped("target", target, SnnFormats.OutputFrac, int32: false),
        };
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            host.Add(Clamped($"layers[{i}].W (model value)", spec.Layers[i].W, SnnFormats.WeightFrac, int32: false));
            host.Add(Clamped($"layers[{i}].threshold (model value)", [spec.Layers[i].Threshold], SnnFormats.ThresholdFrac, int32: false));
        }

        if (spec.Readout is not null)
        {
            host.Add(Clamped("readout.W (model value)", spec.Readout.W, SnnFormats.WeightFrac, int32: false));
        }

        report.AddSaturations(host);
        return report;
    }

    private static GradientReport RunLru(LruSpec spec, double[][] input, double[][] target, LruRule rule, GradientPrecision precision)
    {
        if (precision == GradientPrecision.F64)
        {
            return LruReference.Gradients(spec, input, target, rule);
        }

        RequireRuntimeRule(rule == LruRule.Bptt);
        var report = QLruGradients.Compute(spec, input, target, rule);
        var host = new List<(string, long)>
        {
            Clamped("input", input, LruFormats.ActFrac, int32: false),
            Clamped("target", target, LruFormats.ErrorFrac, int32: true),
        };
        if (spec.Encoder is not null)
        {
            host.Add(Clamped("encoder.W (model value)", spec.Encoder.W, LruFormats.WeightFrac, int32: false));
        }

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            host.Add(Clamped($"layers[{i}].nu_log (model value)", [l.NuLog], LruFormats.LogFrac, int32: true));
            host.Add(Clamped($"layers[{i}].theta_log (model value)", [l.ThetaLog], LruFormats.LogFrac, int32: true));
            host.Add(Clamped($"layers[{i}].gamma_log (model value)", [l.GammaLog], LruFormats.LogFrac, int32: true));
            host.Add(Clamped($"layers[{i}].B (model value)", [.. l.BRe, .. l.BIm], LruFormats.WeightFrac, int32: false));
            host.Add(Clamped($"layers[{i}].C (model value)", [.. l.CRe, .. l.CIm], LruFormats.WeightFrac, int32: false));
            host.Add(Clamped($"layers[{i}].D (model value)", [l.D], LruFormats.WeightFrac, int32: false));
        }

        if (spec.Decoder is not null)
        {
            host.Add(Clamped("decoder.W (model value)", spec.Decoder.W, LruFormats.WeightFrac, int32: false));
        }

        report.AddSaturations(host);
        return report;
    }

    /// <summary>How many real values fall outside the fixed-point range they are quantised to (and so are clamped).</summary>
    private static (string, long) Clamped(string name, IEnumerable<double[]> rows, int frac, bool int32)
    {
        double max = int32 ? int.MaxValue : short.MaxValue;
        double min = int32 ? int.MinValue : short.MinValue;
        long clamped = 0;
        foreach (var row in rows)
        {
            foreach (double v in row)
            {
                double q = Math.Round(Math.ScaleB(v, frac));
                if (q > max || q < min)
                {
                    clamped++;
                }
            }
        }

        return (name, clamped);
    }

    private static void RequireRuntimeRule(bool isBptt)
    {
        if (isBptt)
        {
            throw new ArgumentException("bptt is the float64 reference only; use --precision f64 with it", nameof(isBptt));
        }
    }
}
