using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>The arena plan of a spiking network declares the wide learning-signal formats of SnnFormats.</summary>
public sealed class SnnPlanTests
{
    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void Plan_shows_int32_Q7_24_signals_and_Q3_28_scaled_signals(SnnRule rule)
    {
        var spec = SnnTestModels.Model(NeuronKind.Lif, 16, [14, 12, 10], 4, LossKind.CrossEntropy, seed: 21);
        var network = QSnnNetwork.Create(spec, new QSnnOptions { Rule = rule });
        string plan = network.Plan.Describe();
        TestContext.Out.WriteLine(plan);
        var tensors = network.Plan.Tensors.ToDictionary(t => t.Name);
        Assert.Multiple(() =>
        {
            Assert.That(tensors["error"].FormatText, Is.EqualTo("Q3.12"), "error");
            for (int l = 0; l < 3; l++)
            {
                Assert.That(tensors[$"layers[{l}].signal"].FormatText, Is.EqualTo("Q7.24"), $"layers[{l}].signal");
                Assert.That(tensors[$"layers[{l}].signal_g"].FormatText, Is.EqualTo("Q3.28"), $"layers[{l}].signal_g");
                Assert.That(plan, Does.Contain($"layers[{l}].signal_g").And.Contain("Q3.28"));
            }
        });
    }
}
