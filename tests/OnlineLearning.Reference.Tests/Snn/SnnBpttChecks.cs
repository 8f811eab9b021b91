using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>BPTT itself: a case worked by hand, and finite differences wherever the model is differentiable.</summary>
public sealed class SnnBpttChecks
{
    /// <summary>
    /// One LIF neuron, one input, no readout, MSE; λ = 0.5, θ = 1, w = 0.8, k = 1 (h'(u) = 1/(1+|u|)²),
    /// x = (1, 1, 0), target = (0, 0, 1).
    /// Forward (v_t = λ U_{t-1} + w x_t, U_t = v_t − θ y_t):
    ///   t1: v = 0.8, u = −0.2, y = 0, h1 = 1/1.2² = 1/1.44; U = 0.8
    ///   t2: v = 0.4 + 0.8 = 1.2, u = 0.2, y = 1, h2 = 1/1.44;  U = 0.2
    ///   t3: v = 0.1, u = −0.9, y = 0, h3 = 1/1.9² = 1/3.61
    ///   errors y − target = (0, 1, −1), so E = ½(0 + 1 + 1) = 1.
    /// Backward, with ∂v_{t+1}/∂v_t = λ, ∂v_{t+1}/∂y_t = −λθ, ∂v_{t+1}/∂θ = −λ y_t, ∂y_t/∂v_t = h_t, ∂y_t/∂θ = −h_t:
    ///   gy3 = −1,                   gv3 = gy3 h3 = −h3 = −0.277008310249...
    ///   gy2 = 1 − λθ gv3 = 1 + h3/2, gv2 = gy2 h2 + λ gv3 = (1 + h3/2)/1.44 − h3/2 = 0.652123730378...
    ///   gy1 = 0 − λθ gv2,            gv1 = gy1 h1 + λ gv2 = (gv2/2)(1 − h1) = 0.099630014363...
    ///   dE/dw = Σ gv_t x_t = gv1 + gv2 = 0.751753744741972
    ///   dE/dθ = −Σ gy_t h_t − λ Σ gv_{t+1} y_t = −(gy1 h1 + gy2 h2 + gy3 h3) − ½ gv3 = −0.148683569303375
    /// </summary>
    [TestCase(SnnRule.Bptt)]
    [TestCase(SnnRule.Ostl)]
    public void HandWorked_OneLifNeuron_ThreeSteps_Within1e12(SnnRule rule)
    {
        var spec = new SnnSpec
        {
            Neuron = NeuronKind.Lif,
            Decay = 0.5,
            SurrogateSlope = 1,
            Inputs = 1,
            Layers = [new SnnLayerSpec(1, [[0.8]], [1.0])],
        };
        double[][] input = [[1], [1], [0]];
        double[][] target = [[0], [0], [1]];
        double h1 = 1 / 1.44, h3 = 1 / 3.61;
        double gv3 = -h3;
        double gy2 = 1 + (h3 / 2);
        double gv2 = (gy2 / 1.44) - (h3 / 2);
        double gy1 = -gv2 / 2;
        double gv1 = gv2 / 2 * (1 - h1);
        double dW = gv1 + gv2;
        double dTheta = -((gy1 * h1) + (gy2 / 1.44) - h3) - (gv3 / 2);
        Assert.That(dW, Is.EqualTo(0.751753744741972).Within(1e-12), "the derivation's own arithmetic");
        Assert.That(dTheta, Is.EqualTo(-0.148683569303375).Within(1e-12), "the derivation's own arithmetic");

        var report = SnnReference.Gradients(spec, input, target, rule);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Loss, Is.EqualTo(1.0).Within(1e-12));
            Assert.That(report["layers[0].W"].Values[0], Is.EqualTo(dW).Within(1e-12));
            Assert.That(report["layers[0].threshold"].Values[0], Is.EqualTo(dTheta).Within(1e-12));
        }
    }

    /// <summary>
    /// With the sigmoid output (soft SNU, seed 000) the network is smooth, so BPTT must match central differences
    /// in every parameter, thresholds and reset paths included: |fd − g| ≤ 1e-6 × max |g|, 2 layers, T = 20.
    /// </summary>
    [TestCase(NeuronKind.Snu, LossKind.Mse)]
    [TestCase(NeuronKind.Lif, LossKind.Mse)]
    [TestCase(NeuronKind.Snu, LossKind.CrossEntropy)]
    [TestCase(NeuronKind.Lif, LossKind.CrossEntropy)]
    public void SigmoidOutput_BpttMatchesFiniteDifferences_AllParameters_Within1e6(NeuronKind neuron, LossKind loss)
    {
        var spec = SnnFixtures.Model(neuron, 4, [5, 4], 3, loss, 71, slope: 4, warmup: 2);
        var input = SnnFixtures.Input(20, 4, false, 72);
        var target = SnnFixtures.Target(20, 3, loss, 73);
        var bptt = SnnReference.Gradients(spec, input, target, SnnRule.Bptt, SpikeFunction.Sigmoid);
        double worst = WorstFiniteDifference(spec, input, target, bptt, SpikeFunction.Sigmoid, Parameters(spec));
        TestContext.Out.WriteLine($"{neuron} {loss}: max |fd − bptt| / max |bptt| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-6));
    }

    /// <summary>
    /// With Heaviside spikes, E is smooth in readout.W (the spikes do not depend on it), so BPTT's readout gradient
    /// must match central differences. Thresholds are not checked this way: a perturbation that flips no spike
    /// leaves E unchanged, so the surrogate-free derivative is zero; the sigmoid test above covers their paths.
    /// </summary>
    [TestCase(NeuronKind.Lif, LossKind.Mse)]
    [TestCase(NeuronKind.Snu, LossKind.CrossEntropy)]
    public void Heaviside_BpttReadoutMatchesFiniteDifferences_Within1e7(NeuronKind neuron, LossKind loss)
    {
        var spec = SnnFixtures.Model(neuron, 6, [8, 6], 3, loss, 81, warmup: 4);
        var input = SnnFixtures.Input(40, 6, true, 82);
        var target = SnnFixtures.Target(40, 3, loss, 83);
        var bptt = SnnReference.Gradients(spec, input, target, SnnRule.Bptt);
        var readout = Enumerable.Range(0, spec.Readout!.Size)
            .SelectMany(c => Enumerable.Range(0, spec.Readout.FanIn).Select(i => ("readout.W", spec.Readout.W[c], i, c * spec.Readout.FanIn + i)));
        double worst = WorstFiniteDifference(spec, input, target, bptt, SpikeFunction.Heaviside, readout);
        Assert.That(worst, Is.LessThanOrEqualTo(1e-7));
    }

    private static IEnumerable<(string Name, double[] Row, int Column, int Flat)> Parameters(SnnSpec spec)
    {
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            var layer = spec.Layers[l];
            for (int i = 0; i < layer.Size; i++)
            {
                for (int j = 0; j < layer.FanIn; j++)
                {
                    yield return ($"layers[{l}].W", layer.W[i], j, (i * layer.FanIn) + j);
                }

                yield return ($"layers[{l}].threshold", layer.Threshold, i, i);
            }
        }

        for (int c = 0; c < spec.Readout!.Size; c++)
        {
            for (int i = 0; i < spec.Readout.FanIn; i++)
            {
                yield return ("readout.W", spec.Readout.W[c], i, (c * spec.Readout.FanIn) + i);
            }
        }
    }

    private static double WorstFiniteDifference(
        SnnSpec spec,
        double[][] input,
        double[][] target,
        OnlineLearning.Core.Gradients.GradientReport bptt,
        SpikeFunction f,
        IEnumerable<(string Name, double[] Row, int Column, int Flat)> parameters)
    {
        const double h = 1e-6;
        double worst = 0;
        foreach (var (name, row, column, flat) in parameters)
        {
            double keep = row[column];
            row[column] = keep + h;
            double up = Loss(spec, input, target, f);
            row[column] = keep - h;
            double down = Loss(spec, input, target, f);
            row[column] = keep;
            worst = Math.Max(worst, Math.Abs(((up - down) / (2 * h)) - bptt[name].Values[flat]));
        }

        return worst / SnnFixtures.MaxAbs(bptt);
    }

    private static double Loss(SnnSpec spec, double[][] input, double[][] target, SpikeFunction f) =>
        SnnObjective.ForSpec(spec).Evaluate(SnnTrajectory.Run(spec, input, f), target).Loss;
}
