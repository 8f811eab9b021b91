using OnlineLearning.Core.Data;
using OnlineLearning.Core.Tasks;

namespace OnlineLearning.Core.Experiments;

/// <summary>
/// Labelled sequences as a network sees them, produced one step at a time (so a rate-coded MNIST epoch is never
/// held in memory): sample i has <see cref="Length"/>(i) steps of <see cref="Inputs"/> real values, and either one
/// label for the whole sequence or a label per step (<see cref="PerStepLabels"/>).
/// </summary>
public abstract class SequenceSet
{
    public abstract int Count { get; }

    public abstract int Inputs { get; }

    public abstract int Classes { get; }

    /// <summary>True when every step has its own label (a streaming classifier); false for one label per sequence.</summary>
    public virtual bool PerStepLabels => false;

    public abstract int Length(int sample);

    /// <summary>The sequence's label (or, with <see cref="PerStepLabels"/>, step t's).</summary>
    public abstract int Label(int sample, int step);

    /// <summary>Writes step t of sample i; <paramref name="epoch"/> varies the noise of stochastic encodings.</summary>
    public abstract void Fill(int sample, int step, int epoch, Span<double> x);

    /// <summary>The first <paramref name="count"/> samples (all when null or larger).</summary>
    public virtual SequenceSet Take(int? count) => count is int n && n < Count ? new Subset(this, n) : this;

    private sealed class Subset(SequenceSet inner, int count) : SequenceSet
    {
        public override int Count => count;

        public override int Inputs => inner.Inputs;

        public override int Classes => inner.Classes;

        public override bool PerStepLabels => inner.PerStepLabels;

        public override int Length(int sample) => inner.Length(sample);

        public override int Label(int sample, int step) => inner.Label(sample, step);

        public override void Fill(int sample, int step, int epoch, Span<double> x) => inner.Fill(sample, step, epoch, x);
    }
}

/// <summary>
/// Static images as Bernoulli spike trains (seed 000 S7's rate coding): at every one of <see cref="Steps"/> steps
/// pixel j spikes with probability equal to its intensity in [0, 1]. The draws are a hash of (seed, epoch, sample,
/// step, pixel), so every run, evaluation and resumed run sees the same spikes.
/// </summary>
public sealed class RateCodedImages(LabelledRows rows, int steps, ulong seed, int classes) : SequenceSet
{
    public int Steps { get; } = steps;

    public override int Count => rows.Count;

    public override int Inputs => rows.Width;

    public override int Classes => classes;

    public override int Length(int sample) => Steps;

    public override int Label(int sample, int step) => rows.Labels[sample];

    public override void Fill(int sample, int step, int epoch, Span<double> x)
    {
        double[] pixels = rows.Features[sample];
        ulong key = Mix(seed ^ Mix(((ulong)(uint)epoch << 40) ^ ((ulong)(uint)sample << 12) ^ (uint)step));
        for (int j = 0; j < pixels.Length; j++)
        {
            double u = (Mix(key + (ulong)j) >> 11) * (1.0 / (1UL << 53));
            x[j] = u < pixels[j] ? 1 : 0;
        }
    }

    // SplitMix64's finaliser.
    internal static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Square images fed a row per step (the LRU's sequential image setup): side steps of side inputs.</summary>
public sealed class RowSequentialImages(LabelledRows rows, int classes) : SequenceSet
{
    private readonly int _side = (int)Math.Round(Math.Sqrt(rows.Width));

    public override int Count => rows.Count;

    public override int Inputs => _side;

    public override int Classes => classes;

    public override int Length(int sample) => _side;

    public override int Label(int sample, int step) => rows.Labels[sample];

    public override void Fill(int sample, int step, int epoch, Span<double> x) =>
        rows.Features[sample].AsSpan(step * _side, _side).CopyTo(x);
}

/// <summary>Static feature rows shown for a fixed number of steps each (direct current input).</summary>
public sealed class RepeatedRows(LabelledRows rows, int steps, int classes) : SequenceSet
{
    public override int Count => rows.Count;

    public override int Inputs => rows.Width;

    public override int Classes => classes;

    public override int Length(int sample) => steps;

    public override int Label(int sample, int step) => rows.Labels[sample];

    public override void Fill(int sample, int step, int epoch, Span<double> x) => rows.Features[sample].CopyTo(x);
}

/// <summary>Stored sequences with one label each (T-Randman, R-Randman).</summary>
public sealed class StoredSequences(IReadOnlyList<LabelledSequence> samples, int classes) : SequenceSet
{
    public override int Count => samples.Count;

    public override int Inputs => samples[0].Input[0].Length;

    public override int Classes => classes;

    public override int Length(int sample) => samples[sample].Input.Length;

    public override int Label(int sample, int step) => samples[sample].Label;

    public override void Fill(int sample, int step, int epoch, Span<double> x) => samples[sample].Input[step].CopyTo(x);

    /// <summary>The samples as stored (for the float64 trainers).</summary>
    public IReadOnlyList<LabelledSequence> Samples => samples;
}

/// <summary>Sequences with a label per step (a CSV with a sequence column, BabyECG sleep states).</summary>
public sealed class StepLabelledSequences(IReadOnlyList<LabelledSteps> sequences, int classes) : SequenceSet
{
    public override int Count => sequences.Count;

    public override int Inputs => sequences[0].Steps[0].Length;

    public override int Classes => classes;

    public override bool PerStepLabels => true;

    public override int Length(int sample) => sequences[sample].Length;

    public override int Label(int sample, int step) => sequences[sample].Labels[step];

    public override void Fill(int sample, int step, int epoch, Span<double> x) => sequences[sample].Steps[step].CopyTo(x);
}
