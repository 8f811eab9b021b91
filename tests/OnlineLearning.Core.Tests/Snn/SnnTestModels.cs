using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Tests.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>
/// Seeded spiking models and sequences for the fixed-point tests: the float64 reference tests' fixtures
/// (linked from Reference.Tests), so both suites compare the same models.
/// </summary>
internal static class SnnTestModels
{
    public static readonly SnnRule[] OnlineRules = [SnnRule.Ostl, SnnRule.Ottt, SnnRule.Otpe, SnnRule.ApproxOtpe, SnnRule.FOtpe];

    /// <summary>W ~ N(0.1, 1.5²/fan-in) so random spikes drive the neurons; thresholds uniform in [0.3, 0.9].</summary>
    public static SnnSpec Model(NeuronKind neuron, int inputs, int[] sizes, int? readout, LossKind loss, long seed, double gain = 1.5, double bias = 0.1) =>
        SnnFixtures.Model(neuron, inputs, sizes, readout, loss, seed, gain, bias);

    /// <summary>0/1 spikes with probability 0.3.</summary>
    public static double[][] Spikes(int steps, int width, long seed) => SnnFixtures.Input(steps, width, spikes: true, seed);

    /// <summary>MSE targets uniform in [0, 1), or one-hot rows of one class for cross-entropy.</summary>
    public static double[][] Target(int steps, int width, LossKind loss, long seed) => SnnFixtures.Target(steps, width, loss, seed);
}
