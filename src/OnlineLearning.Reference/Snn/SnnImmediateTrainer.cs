using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// Float64 online training with immediate updates: at every step the network runs forward with the current
/// parameters, the rule advances its traces, and the step's gradient estimate (the rule's contribution to the
/// sequence sum of <see cref="SnnReference"/>) is applied at once by plain SGD, in place on the spec's arrays.
/// This is what the fixed-point runtime does with <c>UpdateSchedule.Immediate</c>, without the quantisation.
/// </summary>
/// <remarks>
/// With sequenceStartFeedback the hidden layers' learning signal W_outᵀ δ_t uses a copy of the readout taken at
/// the sequence start (the runtime's <c>FeedbackReadout.SequenceStart</c>). Through the live readout, which has
/// already moved towards the current label, the signal gains −lr (δ_t · Σ_τ δ_τ) ȳ, a push on every active
/// last-layer neuron to fire more; the leaky last-layer traces of OSTL and the OTPE family amplify it and the
/// network diverges (on T-Randman at lr 0.01, loss 30 → 700 in 3 epochs for OSTL).
/// </remarks>
public static class SnnImmediateTrainer
{
    /// <summary>One sequence of per-step SGD updates W −= lr · ∂E_t/∂W (estimated by the rule). Returns the loss.</summary>
    public static double TrainSequence(SnnSpec spec, double[][] input, double[][] target, SnnRule rule, double learningRate, bool trainThresholds = true, bool sequenceStartFeedback = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (rule == SnnRule.Bptt)
        {
            throw new ArgumentException("BPTT has no per-step gradient.", nameof(rule));
        }

        var objective = rule == SnnRule.FOtpe ? SnnObjective.Accumulated(spec) : SnnObjective.ForSpec(spec);
        var shape = RuleShape.For(rule, spec, objective);
        // The learning signal goes through W_out as of the sequence start (see the class remarks).
        var backward = sequenceStartFeedback ? objective.WithReadout(objective.Readout?.Select(r => (double[])r.Clone()).ToArray()) : objective;
        bool eligibility = rule is SnnRule.Ostl or SnnRule.Otpe or SnnRule.FOtpe;
        var traces = spec.Layers.Select((layer, l) => eligibility
            ? (ILayerTrace)new EligibilityRule.Trace(layer, shape.PostLeak[l])
            : new PresynapticRule.Trace(layer, spec.Decay, shape.PostLeak[l])).ToArray();
        var grads = new SnnGradientSet(spec);
        var run = SnnTrajectory.Begin(spec, input);
        int top = spec.Layers.Count - 1;
        var o = new double[spec.Outputs];
        var filtered = new double[spec.Layers[top].Size];
        double loss = 0;
        for (int t = 0; t < input.Length; t++)
        {
            run.Advance(spec, t);
            for (int l = 0; l <= top; l++)
            {
                traces[l].Step(spec, run, l, t);
            }

            var y = run.Spikes[top][t];
            var readout = objective.Apply(y);
            for (int c = 0; c < o.Length; c++)
            {
                o[c] = (objective.Leak * o[c]) + readout[c];
            }

            for (int i = 0; i < filtered.Length; i++)
            {
                filtered[i] = (objective.Leak * filtered[i]) + y[i];
            }

            var (e, delta) = objective.StepLoss(o, target[t], t);
            loss += e;
            if (delta.All(d => d == 0))
            {
                continue;
            }

            grads.Clear();
            var signal = backward.Back(delta, spec.Layers[top].Size);
            for (int l = top; l >= 0; l--)
            {
                traces[l].Accumulate(signal, grads.W[l], grads.Threshold[l]);
                if (l > 0)
                {
                    var factor = !eligibility || shape.Averaged ? traces[l].Average.Value : run.Surrogate[l][t];
                    signal = SpatialSignal.Down(spec.Layers[l], signal, factor);
                }
            }

            if (grads.Readout is { } gOut)
            {
                for (int c = 0; c < gOut.Length; c++)
                {
                    for (int i = 0; i < filtered.Length; i++)
                    {
                        gOut[c][i] = delta[c] * filtered[i];
                    }
                }
            }

            grads.Descend(spec, learningRate, trainThresholds);
        }

        return loss;
    }
}
