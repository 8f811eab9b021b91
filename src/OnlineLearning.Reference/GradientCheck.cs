using OnlineLearning.Core.Data;
using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Networks;

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
        return precision == GradientPrecision.F64
            ? ReferenceFactory.Gradients(spec, input, target, rule)
            : NetworkGradients.Compute(spec, input, target, rule);
    }
}
