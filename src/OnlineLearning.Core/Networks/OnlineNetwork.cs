using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Networks;

/// <summary>
/// What every family shares: the update clock and the optimiser, driven the same way for all of them, with the
/// clock, the pending-gradient flag and the counters in the arena. A family supplies the forward, loss and
/// backward pass of one step (<see cref="StepCore"/>) and what its state is.
/// </summary>
public abstract class OnlineNetwork : IOnlineNetwork
{
    // Slots of the control tensor.
    private const int SinceUpdate = 0, Pending = 1, Steps = 2, Updates = 3, Sequences = 4, ControlSlots = 5;

    // Set inside one step and cleared by the clock at its end, so it is never state between steps.
    private bool _updatedDuringStep;

    private readonly ArenaTensor _control;
    private Arena? _arena;

    protected OnlineNetwork(ArenaPlan plan, UpdateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Schedule = schedule;
        _control = plan.Add("control.learning", TensorRole.Control, ArenaElement.Int64, ArenaTensor.NotFixedPoint, ControlSlots);
    }

    public abstract string Family { get; }

    public abstract string Rule { get; }

    public abstract int Inputs { get; }

    public abstract int Outputs { get; }

    public abstract QFormat InputFormat { get; }

    public abstract QFormat TargetFormat { get; }

    public abstract QFormat OutputFormat { get; }

    public abstract QFormat LossFormat { get; }

    public UpdateSchedule Schedule { get; }

    public ArenaPlan Plan { get; }

    public Arena Arena => _arena ?? throw new InvalidOperationException("The network's arena is not allocated yet.");

    public abstract IReadOnlyList<QParameter> Parameters { get; }

    public abstract ReadOnlySpan<int> Output { get; }

    public virtual IReadOnlyList<(string Key, QParameter Parameter)> ModelParameters => Parameters.Select(p => (p.Name, p)).ToArray();

    /// <summary>Steps run since the network was built (restored with a checkpoint).</summary>
    public long TotalSteps => Arena.Int64(_control)[Steps];

    /// <summary>Updates applied since the network was built.</summary>
    public long TotalUpdates => Arena.Int64(_control)[Updates];

    /// <summary>The optimiser all parameters share.</summary>
    protected abstract IOptimizer Optimizer { get; }

    public long Step(ReadOnlySpan<short> input, ReadOnlySpan<int> target)
    {
        long loss = StepCore(input, target, -1, out bool gradientAdded);
        AfterStep(gradientAdded);
        return loss;
    }

    public long StepLabel(ReadOnlySpan<short> input, int label)
    {
        if ((uint)label >= (uint)Outputs)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Labels run from 0 to {Outputs - 1}.");
        }

        long loss = StepCore(input, default, label, out bool gradientAdded);
        AfterStep(gradientAdded);
        return loss;
    }

    public abstract void Infer(ReadOnlySpan<short> input);

    public abstract int Predict();

    public void EndSequence()
    {
        Span<long> c = Arena.Int64(_control);
        c[Sequences]++;
        if (Schedule.Mode == UpdateMode.SequenceEnd && c[SinceUpdate] > 0)
        {
            c[SinceUpdate] = 0;
            if (c[Pending] != 0)
            {
                ApplyUpdate();
            }
        }

        ResetState();
    }

    public abstract void ResetState();

    public void ApplyUpdate()
    {
        BeforeUpdate();
        Optimizer.Apply(Arena);
        AfterUpdate();
        Span<long> c = Arena.Int64(_control);
        c[Pending] = 0;
        c[Updates]++;
    }

    public void SetLearningRateFactor(double factor) => Optimizer.SetLearningRateFactor(Arena, factor);

    /// <summary>Multiplies every current learning rate by factor in (0, 1] (a decay; host side).</summary>
    public void ScaleLearningRate(double factor) => Optimizer.ScaleLearningRates(Arena, factor);

    public NetworkHealth Health()
    {
        Span<long> c = Arena.Int64(_control);
        return new NetworkHealth(c[Steps], c[Updates], c[Sequences], Arena.SaturationReport());
    }

    public abstract GradientReport ExportGradients();

    /// <summary>Allocates the arena once the family has planned every tensor, and seeds the optimiser.</summary>
    protected Arena AllocateArena()
    {
        if (_arena is not null)
        {
            throw new InvalidOperationException("The arena is already allocated.");
        }

        _arena = Plan.Allocate();
        Optimizer.Initialise(_arena);
        return _arena;
    }

    /// <summary>
    /// Forward, loss and backward of one step. <paramref name="target"/> is empty and <paramref name="label"/> ≥ 0 for
    /// a labelled step; both absent for a step without learning signal. Sets gradientAdded when gradients grew.
    /// </summary>
    protected abstract long StepCore(ReadOnlySpan<short> input, ReadOnlySpan<int> target, int label, out bool gradientAdded);

    /// <summary>Runs before the optimiser (folding derived gradients into parameter gradients).</summary>
    protected virtual void BeforeUpdate()
    {
    }

    /// <summary>Runs after the optimiser (recomputing values derived from the parameters).</summary>
    protected virtual void AfterUpdate()
    {
    }

    /// <summary>
    /// True when this step's gradient may be applied by the family during its backward pass (immediate updates with
    /// plain SGD, which has no per-step state beyond the shared generator lanes): the family then updates every
    /// trained parameter, in the optimiser's order, and calls <see cref="MarkUpdatedDuringStep"/>.
    /// </summary>
    protected bool CanUpdateDuringStep => Schedule.Mode == UpdateMode.Immediate && Optimizer is QSgd;

    /// <summary>The family applied this step's update itself: the clock counts it as the update <see cref="ApplyUpdate"/> would have made.</summary>
    protected void MarkUpdatedDuringStep() => _updatedDuringStep = true;

    // The one update clock: immediate, every K steps, at sequence ends, or never.
    private void AfterStep(bool gradientAdded)
    {
        Span<long> c = Arena.Int64(_control);
        c[Steps]++;
        if (_updatedDuringStep)
        {
            _updatedDuringStep = false;
            c[SinceUpdate] = 0;
            c[Pending] = 0;
            c[Updates]++;
            return;
        }

        if (gradientAdded)
        {
            c[Pending] = 1;
        }

        c[SinceUpdate]++;
        bool due = Schedule.Mode switch
        {
            UpdateMode.Immediate => true,
            UpdateMode.EveryK => c[SinceUpdate] >= Schedule.K,
            _ => false,
        };
        if (due)
        {
            c[SinceUpdate] = 0;

            // Steps that add no gradient (warm-up, no target) skip the optimiser pass, which would change nothing
            // without momentum.
            if (c[Pending] != 0)
            {
                ApplyUpdate();
            }
        }
    }
}
