using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Tests.Snn;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Training;

/// <summary>The integer Adam against float64 Adam (ε inside the root, as documented in <see cref="QAdam"/>).</summary>
public sealed class QAdamTests
{
    [TestCase(0.0)]
    [TestCase(0.01)]
    public void Matches_float64_adam_over_300_updates_of_random_gradients_within_0_1_percent_of_the_travel(double weightDecay)
    {
        const int n = 64, steps = 300;
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-6;
        var plan = new ArenaPlan();
        var p = new QParameter(plan, "w", 1, n, ParameterFormats.Default);
        var adam = new QAdam(plan, [p], new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = lr, Epsilon = eps, WeightDecay = weightDecay, Seed = 3 });
        var arena = plan.Allocate();
        adam.Initialise(arena);
        var random = new Random(7);
        var w = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        p.Load(arena, w);
        var start = (double[])w.Clone();
        var m = new double[n];
        var v = new double[n];
        for (int t = 1; t <= steps; t++)
        {
            var g = arena.Int32(p.Gradient);
            for (int i = 0; i < n; i++)
            {
                // Gradients from 1e-4 (100 LSB) to 10 in size, with a per-element bias so that they do not average out.
                double scale = Math.Pow(10, -4 + (5.0 * i / n));
                double gi = scale * ((random.NextDouble() - 0.3) * 2);
                g[i] = (int)Math.Round(gi * (1 << 20));
                gi = g[i] / (double)(1 << 20);
                m[i] = (beta1 * m[i]) + ((1 - beta1) * gi);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * gi * gi);
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                w[i] -= lr * ((mHat / Math.Sqrt(vHat + (eps * eps))) + (weightDecay * w[i]));
            }

            adam.Apply(arena);
        }

        var actual = p.MastersToDouble(arena);
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double travel = Math.Abs(w[i] - start[i]);
            double error = Math.Abs(actual[i] - w[i]);
            worst = Math.Max(worst, error / Math.Max(travel, lr));
        }

        TestContext.Out.WriteLine($"weight decay {weightDecay}: worst |fixed − float64| / max(travel, lr) over {n} weights and {steps} updates = {worst:E3}; t = {adam.Time(arena)}");
        Assert.That(adam.Time(arena), Is.EqualTo(steps));
        Assert.That(worst, Is.LessThan(0.001));
    }

    [Test]
    public void A_constant_gradient_moves_every_weight_by_lr_per_update_whatever_its_size()
    {
        var plan = new ArenaPlan();
        var p = new QParameter(plan, "w", 1, 4, ParameterFormats.Default);
        var adam = new QAdam(plan, [p], new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = 0.01 });
        var arena = plan.Allocate();
        adam.Initialise(arena);
        int[] sizes = [3, 1 << 10, 1 << 20, -(1 << 26)];
        for (int t = 0; t < 50; t++)
        {
            sizes.CopyTo(arena.Int32(p.Gradient));
            adam.Apply(arena);
        }

        var moved = p.MastersToDouble(arena);
        TestContext.Out.WriteLine($"moved after 50 updates at lr 0.01: {string.Join(", ", moved.Select(x => x.ToString("G5", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.That(moved[1], Is.EqualTo(-0.5).Within(0.002));
        Assert.That(moved[2], Is.EqualTo(-0.5).Within(0.002));
        Assert.That(moved[3], Is.EqualTo(0.5).Within(0.002));
        // A 3-LSB gradient: ε is one LSB, so the step is lr · 3 / sqrt(9 + 1) (v accumulates by stochastic rounding).
        Assert.That(moved[0], Is.EqualTo(-0.5 * 3 / Math.Sqrt(10)).Within(0.05));
    }

    [Test]
    public void Adam_steps_allocate_zero_bytes_for_every_snn_rule()
    {
        foreach (var rule in SnnTestModels.OnlineRules)
        {
            var spec = SnnTestModels.Model(NeuronKind.Lif, 8, [6, 5], 3, LossKind.CrossEntropy, seed: 3);
            var network = QSnnNetwork.Create(spec, new QSnnOptions
            {
                Rule = rule,
                Sgd = new SgdOptions { Kind = OptimizerKind.Adam, LearningRate = 0.001, WeightDecay = 0.01 },
            });
            short[] input = new short[8];
            network.StepLabel(input, 1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 2_000; t++)
            {
                input[t % 8] = (short)(SnnFormats.Spike - input[t % 8]);
                network.StepLabel(input, t % 3);
                if (t % 50 == 49)
                {
                    network.EndSequence();
                }
            }

            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, $"{rule}: bytes allocated over 2,000 Adam steps");
        }
    }
}
