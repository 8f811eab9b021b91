using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Lru;

namespace OnlineLearning.Reference.Tests.Lru;

/// <summary>BPTT against central finite differences of the total loss, on every parameter of small stacks.</summary>
public class LruFiniteDifferenceTests
{
    private const double Step = 1e-6;
    private const double Tolerance = 1e-6;

    [TestCase("mse", false)]
    [TestCase("ce", false)]
    [TestCase("mse", true)]
    public void Bptt_MatchesCentralDifferences_Within1e6RelativePerTensor_T12(string loss, bool bareEnds)
    {
        // bareEnds: no encoder and no decoder (identity), so the stack width is the input and output count.
        var spec = bareEnds
            ? LruModels.Stack(inputs: 3, width: 0, outputs: 0, ["mlp:3", "lru-only:2"], seed: 7, rMin: 0.5, rMax: 0.99, loss)
            : LruModels.Stack(inputs: 2, width: 3, outputs: 3, ["glu:3", "mlp:2", "lru-only:3"], seed: 5, rMin: 0.5, rMax: 0.99, loss);
        RandomiseBlocks(spec, seed: 11);
        var input = LruModels.Noise(12, spec.Inputs, 21);
        var target = loss == "ce" ? LruModels.OneHot(12, spec.Outputs, 22) : LruModels.Noise(12, spec.Outputs, 23);
        var bptt = LruReference.Gradients(spec, input, target, LruRule.Bptt);
        Assert.That(bptt.Loss, Is.EqualTo(LruReference.Loss(spec, input, target)).Within(1e-12));

        TestContext.Out.WriteLine($"{"parameter",-22} {"max|grad|",10} {"rel err",10}");
        foreach (var parameter in LruParameters.Of(spec))
        {
            var analytic = bptt[parameter.Name].Values;
            var numeric = Numeric(spec, input, target, parameter);
            double scale = numeric.Max(Math.Abs);
            double error = analytic.Zip(numeric, (a, n) => Math.Abs(a - n)).Max() / scale;
            TestContext.Out.WriteLine($"{parameter.Name,-22} {scale,10:E2} {error,10:E2}");
            Assert.That(scale, Is.GreaterThan(0), $"{parameter.Name}: zero gradient, the check is empty");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{parameter.Name}: BPTT vs central difference (h = {Step})");
        }
    }

    private static double[] Numeric(LruSpec spec, double[][] input, double[][] target, LruParameter parameter)
    {
        var values = new List<double>();
        foreach (var row in parameter.Rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                double keep = row[i];
                row[i] = keep + Step;
                double up = LruReference.Loss(spec, input, target);
                row[i] = keep - Step;
                double down = LruReference.Loss(spec, input, target);
                row[i] = keep;
                values.Add((up - down) / (2 * Step));
            }
        }

        return values.ToArray();
    }

    // The seeded biases are 0 and the gains 1; move them so that their gradients are checked off the special point.
    private static void RandomiseBlocks(LruSpec spec, int seed)
    {
        var random = new SpecRandom(seed);
        foreach (var layer in spec.Layers.Where(l => l.Block != LruBlockKind.LruOnly))
        {
            foreach (var v in new[] { layer.B1!, layer.B2!, layer.NormBias! })
            {
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] = random.Uniform(-0.5, 0.5);
                }
            }

            for (int i = 0; i < layer.NormGain!.Length; i++)
            {
                layer.NormGain[i] = random.Uniform(0.5, 1.5);
            }
        }
    }
}
