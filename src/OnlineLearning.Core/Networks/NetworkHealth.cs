namespace OnlineLearning.Core.Networks;

/// <summary>What a network reports about itself: how far it has run and where its arithmetic saturated.</summary>
public sealed record NetworkHealth(long Steps, long Updates, long Sequences, IReadOnlyList<(string Tensor, long Events)> Saturations)
{
    /// <summary>Saturation events summed over every tracked tensor.</summary>
    public long TotalSaturations => Saturations.Sum(s => s.Events);
}
