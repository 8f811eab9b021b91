using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>The O(n) rules against their definitions, recomputed here from the forward trajectory alone.</summary>
public sealed class SnnRuleDefinitionTests
{
    /// <summary>
    /// One LIF layer with an MSE readout. OTTT (seed 002 2.3.2): â_t = λ â_{t-1} + x_t and
    /// ΔW = Σ_t (L_t ⊙ h'_t) ⊗ â_t with L_t = W_outᵀ (W_out y_t − target_t) (seed 000 Eq. 19); the threshold
    /// factor is q_t − 1 with q_t = λ (q_{t-1} − y_{t-1}). Approx OTPE has no hidden layer to estimate here and a
    /// stateless readout, so it must give the same numbers. Relative difference ≤ 1e-12.
    /// </summary>
    [TestCase(SnnRule.Ottt)]
    [TestCase(SnnRule.ApproxOtpe)]
    public void OneLayer_MatchesOtttDefinition_Within1e12(SnnRule rule)
    {
        const int steps = 30;
        var spec = SnnFixtures.Model(NeuronKind.Lif, 5, [6], 2, LossKind.Mse, 91);
        var input = SnnFixtures.Input(steps, 5, true, 92);
        var target = SnnFixtures.Target(steps, 2, LossKind.Mse, 93);
        var run = SnnReference.Forward(spec, input);
        var wOut = spec.Readout!.W;
        double lambda = spec.Decay;
        var a = new double[5];
        var q = new double[6];
        var gW = new double[6, 5];
        var gTheta = new double[6];
        for (int t = 0; t < steps; t++)
        {
            var y = run.Spikes[0][t];
            var h = run.Surrogate[0][t];
            for (int j = 0; j < 5; j++)
            {
                a[j] = (lambda * a[j]) + input[t][j];
            }

            for (int i = 0; i < 6; i++)
            {
                q[i] = lambda * (q[i] - (t == 0 ? 0 : run.Spikes[0][t - 1][i]));
                double signal = 0;
                for (int c = 0; c < 2; c++)
                {
                    double yHat = Enumerable.Range(0, 6).Sum(k => wOut[c][k] * y[k]);
                    signal += wOut[c][i] * (yHat - target[t][c]);
                }

                for (int j = 0; j < 5; j++)
                {
                    gW[i, j] += signal * h[i] * a[j];
                }

                gTheta[i] += signal * h[i] * (q[i] - 1);
            }
        }

        var report = SnnReference.Gradients(spec, input, target, rule);
        double scale = SnnFixtures.MaxAbs(report, "layers[0].W", "layers[0].threshold");
        Assert.That(scale, Is.GreaterThan(0));
        using (Assert.EnterMultipleScope())
        {
            for (int i = 0; i < 6; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    Assert.That(report["layers[0].W"].Values[(i * 5) + j], Is.EqualTo(gW[i, j]).Within(1e-12 * scale));
                }

                Assert.That(report["layers[0].threshold"].Values[i], Is.EqualTo(gTheta[i]).Within(1e-12 * scale));
            }
        }
    }
}
