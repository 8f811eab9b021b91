namespace OnlineLearning.Core.Memory;

/// <summary>
/// What an arena tensor is for. Every role except <see cref="Scratch"/> is learning state: it is saved in a
/// checkpoint, and a run restored from one continues bit for bit.
/// </summary>
public enum TensorRole : byte
{
    /// <summary>Working values of a trainable tensor (what the step path reads).</summary>
    Parameter = 1,

    /// <summary>The wide master copy of a parameter that the optimiser updates.</summary>
    Master = 2,

    /// <summary>A gradient accumulator (kept across steps by deferred and every-K updates).</summary>
    Gradient = 3,

    /// <summary>Optimiser state: learning rates, momentum, velocities, moments, random-generator lanes.</summary>
    OptimizerState = 4,

    /// <summary>Eligibility traces and sensitivities of a learning rule (ε, R̂, â, ẑ, e_λ, ...).</summary>
    RuleTrace = 5,

    /// <summary>Neuron and layer state carried from one step to the next (membranes, spikes, h, readouts).</summary>
    NeuronState = 6,

    /// <summary>Clocks, counters, slots and flags, and the health counters.</summary>
    Control = 7,

    /// <summary>Rewritten before it is read in every step; the only role a checkpoint leaves out.</summary>
    Scratch = 8,
}

/// <summary>Names of <see cref="TensorRole"/> as <c>olrt plan</c> and checkpoints print them.</summary>
public static class TensorRoles
{
    public static string Name(TensorRole role) => role switch
    {
        TensorRole.Parameter => "parameter",
        TensorRole.Master => "master",
        TensorRole.Gradient => "gradient",
        TensorRole.OptimizerState => "optimizer",
        TensorRole.RuleTrace => "trace",
        TensorRole.NeuronState => "state",
        TensorRole.Control => "control",
        TensorRole.Scratch => "scratch",
        _ => "unknown",
    };

    /// <summary>True for roles that a checkpoint saves.</summary>
    public static bool IsSaved(TensorRole role) => role != TensorRole.Scratch;

    /// <summary>True for a byte value that names a role (checkpoint validation).</summary>
    public static bool IsDefined(byte value) => value is >= (byte)TensorRole.Parameter and <= (byte)TensorRole.Scratch;
}
