using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>After construction and one warm-up step, Step allocates nothing, for every rule, neuron and schedule.</summary>
public sealed class SnnAllocationTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from rule in SnnTestModels.OnlineRules
        from neuron in new[] { NeuronKind.Lif, NeuronKind.Snu }
        from deferred in new[] { false, true }
        select new TestCaseData(rule, neuron, deferred);

    [TestCaseSource(nameof(Cases))]
    public void Ten_thousand_steps_allocate_zero_bytes(SnnRule rule, NeuronKind neuron, bool deferred)
    {
        var spec = SnnTestModels.Model(neuron, 8, [6, 5], 3, LossKind.CrossEntropy, seed: 3);
        var network = QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = rule,
            Schedule = deferred ? UpdateSchedule.Every(25) : UpdateSchedule.Immediate,
            Sgd = new SgdOptions { LearningRate = 0.01, Momentum = 0.5 },
        });
        short[] input = new short[8];
        for (int i = 0; i < input.Length; i += 2)
        {
            input[i] = SnnFormats.Spike;
        }

        network.StepLabel(input, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 10_000; t++)
        {
            input[t % 8] = (short)(SnnFormats.Spike - input[t % 8]);
            network.StepLabel(input, t % 3);
            if (t % 50 == 49)
            {
                network.EndSequence();
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, $"{rule} {neuron} deferred={deferred}: bytes allocated over 10,000 steps");
    }
}
