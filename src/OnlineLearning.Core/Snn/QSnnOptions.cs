using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Snn;

/// <summary>How a fixed-point spiking network learns.</summary>
public sealed record QSnnOptions
{
    public SnnRule Rule { get; init; } = SnnRule.Ostl;

    public UpdateSchedule Schedule { get; init; } = UpdateSchedule.Immediate;

    public SgdOptions Sgd { get; init; } = new();

    /// <summary>Kernels to run on; null means <see cref="Backends.Current"/>.</summary>
    public QKernels? Kernels { get; init; }

    /// <summary>
    /// The readout's learning rate relative to <see cref="SgdOptions.LearningRate"/>. Its gradient sums integrated
    /// spikes (up to 1/(1 − leak) per step) against the much smaller signals that reach the hidden layers, so plain
    /// SGD wants it smaller.
    /// </summary>
    public double ReadoutLearningRateScale { get; init; } = 1;

    /// <summary>
    /// Which readout weights the learning signal L = W_outᵀ e passes through (see <see cref="FeedbackReadout"/>).
    /// The default, <see cref="FeedbackReadout.SequenceStart"/>, is what lets OSTL and the OTPE family learn with
    /// immediate updates; with sequence-end updates the two choices are identical.
    /// </summary>
    public FeedbackReadout Feedback { get; init; } = FeedbackReadout.SequenceStart;

    /// <summary>
    /// With <see cref="FeedbackReadout.SequenceStart"/>, the copy is also refreshed every this many steps inside a
    /// sequence, so that an endless stream (no sequence boundaries) still follows the readout; 0 or less refreshes
    /// at sequence boundaries only.
    /// </summary>
    public int FeedbackRefreshSteps { get; init; } = 256;

    /// <summary>Train the thresholds θ (they always get gradients).</summary>
    public bool TrainThresholds { get; init; } = true;

    /// <summary>
    /// With immediate SGD updates, apply each W gradient row the moment the trace pass forms it, so the full-size
    /// gradient accumulator is never written or read (the weights are bit-identical either way). False keeps the
    /// accumulate-then-apply passes, for comparison.
    /// </summary>
    public bool FuseImmediateUpdate { get; init; } = true;
}

/// <summary>The readout weights the hidden layers' learning signal is computed with.</summary>
/// <remarks>
/// With immediate updates the readout adapts to the current label within the sequence (ΔW_out ∝ −δ ⊗ ȳ), and the
/// live signal W_outᵀ δ_t then contains −lr (δ_t · Σ_τ δ_τ) ȳ: a term that tells every active neuron of the last
/// layer to fire more, whatever the class. Rules whose last-layer trace integrates over the readout leak
/// (OSTL, OTPE, Approx OTPE, F-OTPE: R̂ or ẑ with κ = 0.9) amplify it about tenfold, spike rates climb and the
/// network diverges, in float64 as in fixed point. A copy of W_out taken at the sequence start removes the
/// within-sequence term while every parameter, the readout included, still updates at every step.
/// </remarks>
public enum FeedbackReadout
{
    /// <summary>A copy of W_out refreshed at every sequence boundary (and every FeedbackRefreshSteps steps).</summary>
    SequenceStart,

    /// <summary>W_out as it is at this step.</summary>
    Live,
}
