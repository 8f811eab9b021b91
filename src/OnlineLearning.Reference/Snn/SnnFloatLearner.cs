using OnlineLearning.Core.Experiments;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// The float64 counterpart of <see cref="NetworkLearner"/> for spiking networks: the online rules with immediate
/// per-step SGD (<see cref="SnnImmediateTrainer"/>, the readout feedback copied at the sequence start like the
/// runtime's), or BPTT with one SGD step per sequence (<see cref="SnnTrainer"/>). Trains the spec's arrays in place.
/// </summary>
public sealed class SnnFloatLearner(SnnSpec spec, SnnRule rule, double learningRate) : ISequenceLearner
{
    private double _factor = 1;

    public string Precision => "f64";

    public SnnSpec Spec => spec;

    public void SetLearningRateFactor(double factor) => _factor = factor;

    public SequenceOutcome Train(SequenceSet set, int sample, int epoch)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.PerStepLabels)
        {
            throw new ArgumentException("the float64 trainers take one label per sequence", nameof(set));
        }

        var input = Materialise(set, sample, epoch);
        int label = set.Label(sample, 0);
        int prediction = SnnTrainer.Predict(spec, input);
        var target = input.Select(_ => Enumerable.Range(0, spec.Outputs).Select(c => c == label ? 1.0 : 0.0).ToArray()).ToArray();
        double lr = learningRate * _factor;
        double loss = rule == SnnRule.Bptt
            ? SnnTrainer.TrainSequence(spec, input, target, rule, lr)
            : SnnImmediateTrainer.TrainSequence(spec, input, target, rule, lr);
        return new SequenceOutcome(loss, prediction == label ? 1 : 0, 1);
    }

    public SequenceOutcome Test(SequenceSet set, int sample)
    {
        ArgumentNullException.ThrowIfNull(set);
        var input = Materialise(set, sample, -1);
        return new SequenceOutcome(0, SnnTrainer.Predict(spec, input) == set.Label(sample, 0) ? 1 : 0, 1);
    }

    private static double[][] Materialise(SequenceSet set, int sample, int epoch)
    {
        var rows = new double[set.Length(sample)][];
        for (int t = 0; t < rows.Length; t++)
        {
            rows[t] = new double[set.Inputs];
            set.Fill(sample, t, epoch, rows[t]);
        }

        return rows;
    }
}
