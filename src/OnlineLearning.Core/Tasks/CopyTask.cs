using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tasks;

/// <summary>
/// Settings of a generated copy task. The defaults follow seed 004 4.1 and B.1 (Tables 4 and 5): a pattern of
/// 20 steps of 7-bit vectors and a padding of 7 steps. The text calls the patterns "7-bit" and the tables list
/// "Padding 7"; we read the padding as the silent delay between the pattern and the recall.
/// </summary>
public sealed record CopyTaskOptions
{
    /// <summary>Bits per pattern step (the pattern channels).</summary>
    public int Bits { get; init; } = 7;

    /// <summary>Steps in the pattern, and so in the recall.</summary>
    public int PatternLength { get; init; } = 20;

    /// <summary>Silent steps between the end of the pattern and the start of the recall.</summary>
    public int Delay { get; init; } = 7;
}

/// <summary>
/// The copy task (seed 004 4.1, B.1): the network sees a sequence of random bit vectors, waits, and must
/// reproduce the sequence when the recall marker is on.
/// Layout of one sample, T = 2 PatternLength + Delay steps, Inputs = Bits + 1 channels, Outputs = Bits:
/// steps [0, L) carry the pattern on channels 0..Bits−1; steps [L, L + Delay) are silent; steps
/// [L + Delay, T) carry the marker (channel Bits = 1) and no pattern.
/// Mapping to per-step MSE targets: the loss is local at every step (seed 004 4.3), so every step has a
/// target row. During the recall the target is the pattern bit vector of the matching step (0/1 values);
/// elsewhere it is the zero vector, which asks the output to stay silent. <see cref="Mask"/> marks the recall
/// steps, for a caller that scores (or weights the loss of) only the steps where something is asked.
/// </summary>
public sealed class CopyTask
{
    public CopyTask(CopyTaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Bits < 1 || options.PatternLength < 1 || options.Delay < 0)
        {
            throw new ArgumentException(
                $"copy task needs Bits >= 1, PatternLength >= 1, Delay >= 0, not {options.Bits}, {options.PatternLength}, {options.Delay}",
                nameof(options));
        }

        Options = options;
        Mask = Enumerable.Range(0, Steps).Select(t => t >= RecallStart).ToArray();
    }

    public CopyTaskOptions Options { get; }

    /// <summary>Pattern channels plus the recall marker.</summary>
    public int Inputs => Options.Bits + 1;

    public int Outputs => Options.Bits;

    /// <summary>Sequence length T = 2 PatternLength + Delay.</summary>
    public int Steps => (2 * Options.PatternLength) + Options.Delay;

    /// <summary>First recall step, PatternLength + Delay.</summary>
    public int RecallStart => Options.PatternLength + Options.Delay;

    /// <summary>Per step: true where the target asks for a pattern bit vector (the recall).</summary>
    public IReadOnlyList<bool> Mask { get; }

    /// <summary>Draws <paramref name="count"/> samples, each bit a fair coin from <see cref="SpecRandom"/>(seed).</summary>
    public IReadOnlyList<(double[][] Input, double[][] Target)> Sample(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new SpecRandom(seed);
        var samples = new List<(double[][] Input, double[][] Target)>(count);
        for (int i = 0; i < count; i++)
        {
            samples.Add(One(random));
        }

        return samples;
    }

    private (double[][] Input, double[][] Target) One(SpecRandom random)
    {
        int bits = Options.Bits;
        var input = new double[Steps][];
        var target = new double[Steps][];
        for (int t = 0; t < Steps; t++)
        {
            input[t] = new double[Inputs];
            target[t] = new double[Outputs];
        }

        for (int t = 0; t < Options.PatternLength; t++)
        {
            for (int b = 0; b < bits; b++)
            {
                double bit = random.NextDouble() < 0.5 ? 0 : 1;
                input[t][b] = bit;
                target[RecallStart + t][b] = bit;
            }

            input[RecallStart + t][bits] = 1;
        }

        return (input, target);
    }
}
