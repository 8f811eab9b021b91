using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Networks;

/// <summary>
/// The contract every network family honours (spiking, LRU, and whatever comes later). The run loop,
/// <c>olrt soak</c>, <c>train</c> and <c>bench</c> drive networks only through it.
/// </summary>
/// <remarks>
/// Every value that changes while the network learns lives in <see cref="Arena"/>, each tensor with a role and a
/// Q format; a checkpoint is the arena minus its scratch tensors, so a restored network continues bit for bit.
/// <see cref="Step"/>, <see cref="StepLabel"/>, <see cref="Infer"/>, <see cref="EndSequence"/> and
/// <see cref="ResetState"/> are integer-only and allocate nothing.
/// </remarks>
public interface IOnlineNetwork
{
    /// <summary>"snn" or "lru": the model family, as in the model file's "type".</summary>
    string Family { get; }

    /// <summary>The learning rule, as on the command line ("ostl", "online", ...).</summary>
    string Rule { get; }

    int Inputs { get; }

    int Outputs { get; }

    /// <summary>Format of one input element (int16 storage).</summary>
    QFormat InputFormat { get; }

    /// <summary>Format of one target element (int32 storage); values outside the network's range saturate.</summary>
    QFormat TargetFormat { get; }

    /// <summary>Format of <see cref="Output"/> (int32 storage).</summary>
    QFormat OutputFormat { get; }

    /// <summary>Format of the loss <see cref="Step"/> returns (int64 storage).</summary>
    QFormat LossFormat { get; }

    /// <summary>The update schedule this network was built with.</summary>
    UpdateSchedule Schedule { get; }

    ArenaPlan Plan { get; }

    Arena Arena { get; }

    /// <summary>Trainable tensors, named as in the model file.</summary>
    IReadOnlyList<QParameter> Parameters { get; }

    /// <summary>Trainable tensors under their model-file keys ("layers[0].W", "layers[1].nu_log", "readout.W").</summary>
    IReadOnlyList<(string Key, QParameter Parameter)> ModelParameters { get; }

    /// <summary>The last step's output.</summary>
    ReadOnlySpan<int> Output { get; }

    /// <summary>
    /// One online step: forward, traces, loss against <paramref name="target"/> (one value per output in
    /// <see cref="TargetFormat"/>) and an update when the schedule says so. An empty target runs forward and
    /// advances the traces without adding gradient. Returns the step's loss in <see cref="LossFormat"/> (0 without target).
    /// </summary>
    long Step(ReadOnlySpan<short> input, ReadOnlySpan<int> target);

    /// <summary>A classification step with an integer label (a one-hot target, or the label of a cross-entropy loss).</summary>
    long StepLabel(ReadOnlySpan<short> input, int label);

    /// <summary>Forward only: the state moves on, but no trace, gradient or parameter changes.</summary>
    void Infer(ReadOnlySpan<short> input);

    /// <summary>The class of the current output (or of the sequence so far, for sequence classifiers).</summary>
    int Predict();

    /// <summary>
    /// A sequence boundary: applies the pending update if the schedule updates at sequence ends, then
    /// <see cref="ResetState"/>.
    /// </summary>
    void EndSequence();

    /// <summary>Zeroes neuron states, traces and readout integrators. Parameters, gradients and the optimiser are kept; nothing is applied.</summary>
    void ResetState();

    /// <summary>Applies the accumulated gradients now, whatever the schedule.</summary>
    void ApplyUpdate();

    /// <summary>Sets every learning rate to its configured value times factor (schedules; host side, between steps).</summary>
    void SetLearningRateFactor(double factor);

    /// <summary>Steps, updates and saturations per tensor (reporting; allocates).</summary>
    NetworkHealth Health();

    /// <summary>The accumulated gradients in real units, named like the float64 reference (export; allocates).</summary>
    GradientReport ExportGradients();
}
