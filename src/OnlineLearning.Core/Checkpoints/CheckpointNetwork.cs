using System.Buffers.Binary;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>Rebuilds the network a checkpoint was written from, using only the checkpoint: its model file, rule and optimiser state.</summary>
public static class CheckpointNetwork
{
    /// <summary>
    /// The model embedded in the checkpoint, built with its rule and with momentum exactly when the checkpoint holds
    /// velocity tensors (the plan depends on it), then restored. The schedule does not change the plan.
    /// </summary>
    public static (OnlineNetwork Network, ModelDocument Model) Rebuild(Checkpoint checkpoint, UpdateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var model = ModelDocument.Parse($"{checkpoint.Path} (embedded model)", checkpoint.ModelJson);
        var network = NetworkFactory.Create(model.Spec, new NetworkOptions
        {
            Rule = checkpoint.Rule,
            Schedule = schedule,
            Sgd = new SgdOptions { Momentum = MomentumOf(checkpoint) },
        });
        checkpoint.Restore(network);
        return (network, model);
    }

    private static double MomentumOf(Checkpoint checkpoint)
    {
        bool velocities = checkpoint.Tensors.Any(t => t.Name.EndsWith(".velocity", StringComparison.Ordinal));
        var momentum = checkpoint.Tensors.FirstOrDefault(t => t.Name == "optimizer.momentum");
        if (!velocities || momentum is null)
        {
            return 0;
        }

        // Any value in (0, 1) plans the velocity tensors; the restore then brings back the saved μ itself.
        int q15 = BinaryPrimitives.ReadInt32LittleEndian(checkpoint.Payload(momentum));
        return Math.Clamp(q15 / 32768.0, 1.0 / 32768, 32767.0 / 32768);
    }
}
