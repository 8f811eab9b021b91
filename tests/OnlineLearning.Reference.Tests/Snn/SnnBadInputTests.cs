using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>Wrong shapes are refused with an ArgumentException that says what was expected.</summary>
public sealed class SnnBadInputTests
{
    private static readonly SnnSpec Spec = SnnFixtures.Model(NeuronKind.Lif, 3, [4], 2, LossKind.Mse, 1);

    [Test]
    public void WrongInputWidth_Throws()
    {
        var input = SnnFixtures.Input(5, 3, false, 2);
        input[3] = [1, 2];
        var e = Assert.Throws<ArgumentException>(() => SnnReference.Gradients(Spec, input, Targets(5, 2), SnnRule.Ostl));
        Assert.That(e!.Message, Does.Contain("input row 3 has 2 values; the model has 3 inputs"));
        Assert.That(e.ParamName, Is.EqualTo("input"));
    }

    [Test]
    public void WrongTargetWidth_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SnnReference.Gradients(Spec, SnnFixtures.Input(5, 3, false, 2), Targets(5, 3), SnnRule.Bptt));
        Assert.That(e!.Message, Does.Contain("target row 0 has 3 values; the model has 2 outputs"));
    }

    [Test]
    public void TargetLengthDiffersFromInput_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SnnReference.Gradients(Spec, SnnFixtures.Input(5, 3, false, 2), Targets(4, 2), SnnRule.Otpe));
        Assert.That(e!.Message, Does.Contain("target has 4 rows; the input has 5 time steps"));
    }

    [Test]
    public void EmptyInput_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SnnReference.Gradients(Spec, [], [], SnnRule.Ottt));
        Assert.That(e!.Message, Does.Contain("input must hold at least one time step"));
        Assert.Throws<ArgumentException>(() => SnnReference.Forward(Spec, []));
    }

    [Test]
    public void LayerShapeMismatch_Throws()
    {
        var spec = new SnnSpec { Inputs = 3, Layers = [new SnnLayerSpec(2, [[1, 2], [3, 4]], [0.5, 0.5])] };
        var e = Assert.Throws<ArgumentException>(() => SnnReference.Forward(spec, SnnFixtures.Input(2, 3, false, 1)));
        Assert.That(e!.Message, Does.Contain("layers[0] must have W of shape [2][3]"));
    }

    private static double[][] Targets(int steps, int width) => SnnFixtures.Target(steps, width, LossKind.Mse, 9);
}
