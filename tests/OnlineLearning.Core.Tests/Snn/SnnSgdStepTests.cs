using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Training;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>One fixed-point SGD step against the float64 SGD step of the same gradient.</summary>
public sealed class SnnSgdStepTests
{
    private const double LearningRate = 0.01;

    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void One_fixed_point_sgd_step_moves_every_master_by_minus_lr_times_its_gradient_within_rounding(SnnRule rule)
    {
        var (network, _, _, _) = Accumulated(rule);
        var before = network.Parameters.Select(p => Masters(network, p)).ToArray();
        var gradients = network.Parameters.Select(p => p.GradientToDouble(network.Arena)).ToArray();
        network.ApplyUpdate();
        double worst = 0;
        double moved = 0;
        double lsb = Math.ScaleB(1.0, -SnnFormats.MasterFrac);
        var parameters = network.Parameters;
        for (int k = 0; k < parameters.Count; k++)
        {
            var after = Masters(network, parameters[k]);
            for (int i = 0; i < after.Length; i++)
            {
                // Allowed: one master LSB of stochastic rounding plus the quantisation of lr itself (half an LSB of
                // its integer form, times the gradient). The worst error is reported in LSBs of that allowance.
                double expected = -LearningRate * gradients[k][i];
                double allowed = lsb + (Math.Abs(gradients[k][i]) * Math.ScaleB(0.5, -QSgd.LearningRateFracBits(parameters[k].Formats)));
                worst = Math.Max(worst, Math.Abs(after[i] - before[k][i] - expected) / allowed);
                moved = Math.Max(moved, Math.Abs(expected));
            }
        }

        TestContext.Out.WriteLine($"{rule}: largest |Δmaster + lr·g| / allowance {worst:F3} (1 master LSB {lsb:E2} + lr rounding × |g|), largest |lr·g| {moved:E2}");
        Assert.Multiple(() =>
        {
            Assert.That(moved, Is.GreaterThan(100 * lsb), "the step moves something");
            Assert.That(worst, Is.LessThanOrEqualTo(1.0), "within one master LSB plus the rounding of lr");
        });
    }

    [TestCaseSource(typeof(SnnTestModels), nameof(SnnTestModels.OnlineRules))]
    public void One_fixed_point_sgd_step_equals_the_float64_sgd_step_within_rounding(SnnRule rule)
    {
        var (network, spec, input, target) = Accumulated(rule);
        var start = network.Parameters.Select(p => p.ValuesToDouble(network.Arena)).ToArray();
        network.ApplyUpdate();

        // The float64 step from the quantised start, so both begin at the same real weights.
        var floatSpec = WithWeights(spec, start);
        SnnTrainer.TrainSequence(floatSpec, input, target, rule, LearningRate);
        var floatAfter = Flatten(floatSpec);
        var parameters = network.Parameters;
        TestContext.Out.WriteLine($"{rule}: parameter           | cosine(Δ fixed, Δ float64) | |Δ fixed| / |Δ float64|");
        for (int k = 0; k < parameters.Count; k++)
        {
            var fixedDelta = parameters[k].ValuesToDouble(network.Arena).Zip(start[k], (a, b) => a - b).ToArray();
            var floatDelta = floatAfter[k].Zip(start[k], (a, b) => a - b).ToArray();
            double cosine = Dot(fixedDelta, floatDelta) / (Norm(fixedDelta) * Norm(floatDelta));
            double ratio = Norm(fixedDelta) / Norm(floatDelta);
            TestContext.Out.WriteLine($"{parameters[k].Name,-20} | {cosine,26:F5} | {ratio,8:F4}");
            if (parameters[k].Name is "layers[0].W" or "readout.W")
            {
                Assert.That(cosine, Is.GreaterThanOrEqualTo(0.99), $"{parameters[k].Name}: direction of the step");
                Assert.That(ratio, Is.EqualTo(1).Within(0.05), $"{parameters[k].Name}: size of the step");
            }
        }
    }

    // One layer, 1 readout: the fixed-point gradients match float64 to cosine 0.99+ here (SnnFidelityTests).
    // W gets a large learning rate relative to its LSB so that the step spans many value LSBs.
    private static (QSnnNetwork Network, SnnSpec Spec, double[][] Input, double[][] Target) Accumulated(SnnRule rule)
    {
        var spec = SnnTestModels.Model(NeuronKind.Lif, 12, [10], 4, LossKind.CrossEntropy, seed: 7);
        var input = SnnTestModels.Spikes(30, 12, seed: 8);
        var target = SnnTestModels.Target(30, 4, LossKind.CrossEntropy, seed: 9);
        var network = QSnnNetwork.Create(spec, new QSnnOptions
        {
            Rule = rule,
            Schedule = UpdateSchedule.Never,
            Sgd = new SgdOptions { LearningRate = LearningRate, Seed = 3 },
        });
        var x = new short[spec.Inputs];
        var t = new int[spec.Outputs];
        for (int step = 0; step < input.Length; step++)
        {
            QSnnNetwork.QuantiseInput(input[step], x);
            QSnnNetwork.QuantiseTarget(target[step], t);
            network.Step(x, t);
        }

        return (network, spec, input, target);
    }

    private static double[] Masters(QSnnNetwork network, QParameter p) =>
        [.. network.Arena.Int32(p.Master).ToArray().Select(v => Math.ScaleB(v, -p.Formats.MasterFracBits))];

    // The spec with the network's parameters (Parameters() order: per layer W then θ, then the readout).
    private static SnnSpec WithWeights(SnnSpec spec, double[][] values)
    {
        int k = 0;
        var layers = new List<SnnLayerSpec>();
        foreach (var layer in spec.Layers)
        {
            var w = Rows(values[k++], layer.Size, layer.FanIn);
            layers.Add(new SnnLayerSpec(layer.Size, w, (double[])values[k++].Clone()));
        }

        var readout = spec.Readout is { } r ? new DenseSpec(r.Size, Rows(values[k], r.Size, r.FanIn)) : null;
        return spec with { Layers = layers, Readout = readout };
    }

    private static double[][] Flatten(SnnSpec spec)
    {
        var list = new List<double[]>();
        foreach (var layer in spec.Layers)
        {
            list.Add([.. layer.W.SelectMany(row => row)]);
            list.Add((double[])layer.Threshold.Clone());
        }

        if (spec.Readout is { } r)
        {
            list.Add([.. r.W.SelectMany(row => row)]);
        }

        return [.. list];
    }

    private static double[][] Rows(double[] flat, int rows, int cols) =>
        [.. Enumerable.Range(0, rows).Select(i => flat.AsSpan(i * cols, cols).ToArray())];

    private static double Norm(double[] v) => Math.Sqrt(Dot(v, v));

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
