using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Lru;

/// <summary>
/// Long runs at |λ| = 0.999 with bounded input: the state and the traces (e_λ grows like 1/(1 − |λ|)) stay inside
/// their formats, nothing saturates, and the state matches its analytic bound.
/// </summary>
public sealed class QLruStabilityTests
{
    [Test]
    public void HundredThousandStepsAtModulus0999StayBounded() => Run(100_000);

    [Test]
    [Category("Long")]
    public void MillionStepsAtModulus0999StayBounded() => Run(1_000_000);

    private static void Run(int steps)
    {
        // nu_log = log(-log 0.999) for every unit: |λ| = 0.999 exactly in real units.
        double nu = Math.Log(-Math.Log(0.999));
        string json = System.FormattableString.Invariant(
            $"{{ \"type\": \"lru\", \"inputs\": 4, \"seed\": 5, \"layers\": [{{ \"N\": 8, \"nu_log\": [{string.Join(", ", Enumerable.Repeat(nu, 8).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}] }}] }}");
        LruSpec spec = LruSpec.FromJson(JsonTree.ParseText("stable.json", json));
        var network = QLruNetwork.Create(spec, new QLruOptions { Rule = LruRule.Online });
        var tensors = network.Layers[0].Tensors;
        var random = new SpecRandom(9);
        short[] x = new short[4];
        int[] target = new int[4];
        long maxH = 0, maxELambda = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                // Bounded input, |x| ≤ 1 (Q11), with a constant part so the traces build up to their 1/(1 − |λ|) level.
                x[i] = (short)(1024 + (int)(random.NextUInt64() % 1025) - 512);
            }

            network.Step(x, target);
            for (int n = 0; n < tensors.HRe.Length; n++)
            {
                maxH = Math.Max(maxH, Math.Max(Math.Abs((long)tensors.HRe[n]), Math.Abs((long)tensors.HIm[n])));
                maxELambda = Math.Max(maxELambda, Math.Max(Math.Abs((long)tensors.ELambdaRe[n]), Math.Abs((long)tensors.ELambdaIm[n])));
            }
        }

        // |h| ≤ γ Σ|B_n|·|x|max / (1 − |λ|); |e_λ| ≤ |h|max / (1 − |λ|).
        double bMax = spec.Layers[0].BRe.Zip(spec.Layers[0].BIm).Max(p => p.First.Zip(p.Second).Sum(q => Math.Abs(q.First) + Math.Abs(q.Second)));
        double gamma = Math.Exp(spec.Layers[0].GammaLog.Max());
        double hBound = gamma * bMax * 1.0 / (1 - 0.999);
        double h = LruFormats.ToDouble(maxH, LruFormats.StateFrac), e = LruFormats.ToDouble(maxELambda, LruFormats.ELambdaFrac);
        TestContext.Out.WriteLine($"{steps} steps, |λ| = 0.999: max |h| {h:F3} (bound {hBound:F1}, format ±2048), max |e_λ| {e:F1} (format ±131072)");
        TestContext.Out.WriteLine($"saturations: state/traces {network.StateSaturations}, gradient sums {network.GradientSaturations} (never applied, so they fill up by design)");
        Assert.That(network.StateSaturations, Is.Zero);
        Assert.That(h, Is.LessThanOrEqualTo(hBound));
        Assert.That(e, Is.LessThan(131072.0 / 2), "e_λ keeps at least one bit of headroom");
        Assert.That(e, Is.GreaterThan(10 * h), "e_λ did grow towards its 1/(1 − |λ|) level");
    }
}
