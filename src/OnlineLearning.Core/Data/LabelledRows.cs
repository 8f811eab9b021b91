namespace OnlineLearning.Core.Data;

/// <summary>
/// Static samples with one class each: <see cref="Features"/>[sample][feature] and <see cref="Labels"/>[sample].
/// Every row has the same width.
/// </summary>
public sealed record LabelledRows(double[][] Features, int[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>Features per sample (0 when there are no samples).</summary>
    public int Width => Features.Length == 0 ? 0 : Features[0].Length;

    /// <summary>One more than the largest label (0 when there are no samples).</summary>
    public int Classes => Labels.Length == 0 ? 0 : Labels.Max() + 1;
}

/// <summary>
/// A sequence with a label per step: <see cref="Steps"/>[step][feature] and <see cref="Labels"/>[step].
/// <see cref="Id"/> is the value that grouped the rows (for example a recording's name).
/// </summary>
public sealed record LabelledSteps(string Id, double[][] Steps, int[] Labels)
{
    public int Length => Labels.Length;
}
