using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Snn;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>
/// The float64 OTPE, Approx OTPE and F-OTPE of <see cref="SnnReference"/> against <see cref="OtpeBruteForce"/>, an
/// independent implementation from seed 002 Eq. 3-5 written as explicit sums over past steps.
/// </summary>
public sealed class OtpeIndependentTests
{
    private const double Tolerance = 1e-9;

    /// <summary>neuron, layer sizes, readout size (0: none), loss, steps, seed.</summary>
    private static readonly object[] Models =
    [
        new object[] { NeuronKind.Lif, new[] { 7 }, 3, LossKind.Mse, 30, 101 },
        new object[] { NeuronKind.Snu, new[] { 7 }, 3, LossKind.CrossEntropy, 25, 102 },
        new object[] { NeuronKind.Lif, new[] { 8, 6 }, 3, LossKind.Mse, 40, 103 },
        new object[] { NeuronKind.Lif, new[] { 8, 6 }, 3, LossKind.CrossEntropy, 30, 104 },
        new object[] { NeuronKind.Snu, new[] { 8, 6 }, 3, LossKind.Mse, 30, 105 },
        new object[] { NeuronKind.Snu, new[] { 8, 6 }, 0, LossKind.Mse, 20, 106 },
        new object[] { NeuronKind.Lif, new[] { 6, 6, 5 }, 3, LossKind.CrossEntropy, 40, 107 },
        new object[] { NeuronKind.Snu, new[] { 6, 6, 5 }, 3, LossKind.Mse, 30, 108 },
        new object[] { NeuronKind.Lif, new[] { 6, 6, 5 }, 0, LossKind.Mse, 25, 109 },
    ];

    [TestCaseSource(nameof(Models))]
    public void Otpe_MatchesExplicitSums_Within1e9(NeuronKind neuron, int[] sizes, int readout, LossKind loss, int steps, int seed)
    {
        var (spec, input, target) = Case(neuron, sizes, readout, loss, steps, seed, 0.9);
        var mine = new OtpeBruteForce(spec, input, target, accumulated: false);
        Compare(SnnReference.Gradients(spec, input, target, SnnRule.Otpe), mine.Otpe(), "OTPE");
    }

    [TestCaseSource(nameof(Models))]
    public void ApproxOtpe_MatchesExplicitSums_Within1e9(NeuronKind neuron, int[] sizes, int readout, LossKind loss, int steps, int seed)
    {
        var (spec, input, target) = Case(neuron, sizes, readout, loss, steps, seed, 0.9);
        var mine = new OtpeBruteForce(spec, input, target, accumulated: false);
        Compare(SnnReference.Gradients(spec, input, target, SnnRule.ApproxOtpe), mine.ApproxOtpe(), "Approx OTPE");
    }

    /// <summary>F-OTPE: the spec's loss on the leaky sum of the readout (leak 0.7 here, so MSE differs from OTPE).</summary>
    [TestCaseSource(nameof(Models))]
    public void FOtpe_MatchesExplicitSums_Within1e9(NeuronKind neuron, int[] sizes, int readout, LossKind loss, int steps, int seed)
    {
        var (spec, input, target) = Case(neuron, sizes, readout, loss, steps, seed, 0.7);
        var mine = new OtpeBruteForce(spec, input, target, accumulated: true);
        Compare(SnnReference.Gradients(spec, input, target, SnnRule.FOtpe), mine.Otpe(), "F-OTPE");
    }

    /// <summary>The independent forward pass gives the reference's spikes, so the comparisons above share a trajectory.</summary>
    [TestCaseSource(nameof(Models))]
    public void Forward_SameSpikesAsReference(NeuronKind neuron, int[] sizes, int readout, LossKind loss, int steps, int seed)
    {
        var (spec, input, target) = Case(neuron, sizes, readout, loss, steps, seed, 0.9);
        var run = SnnReference.Forward(spec, input);
        var mine = new OtpeBruteForce(spec, input, target, accumulated: false);
        for (int l = 0; l < sizes.Length; l++)
        {
            Assert.That(mine.Spikes[l], Is.EqualTo(run.Spikes[l]), $"layer {l} spikes");
            TestContext.Out.WriteLine($"layer {l}: {run.SpikeCount(l)} spikes of {steps * sizes[l]}");
        }
    }

    /// <summary>
    /// Seed 002 3 (after OSTL, 2.3.1): with no hidden layer nothing is estimated, so OTPE is BPTT. Checked through
    /// the public API with both losses and both neurons (the CE readout leaks, so the trace must carry its leak).
    /// </summary>
    [TestCase(NeuronKind.Lif, LossKind.Mse, 3)]
    [TestCase(NeuronKind.Lif, LossKind.CrossEntropy, 3)]
    [TestCase(NeuronKind.Snu, LossKind.Mse, 3)]
    [TestCase(NeuronKind.Snu, LossKind.CrossEntropy, 3)]
    [TestCase(NeuronKind.Lif, LossKind.Mse, 0)]
    public void OneLayer_OtpeEqualsBptt_Within1e9(NeuronKind neuron, LossKind loss, int readout)
    {
        var (spec, input, target) = Case(neuron, [8], readout, loss, 40, 200 + (int)neuron + (3 * (int)loss), 0.9);
        var bptt = SnnReference.Gradients(spec, input, target, SnnRule.Bptt);
        var otpe = SnnReference.Gradients(spec, input, target, SnnRule.Otpe);
        var approx = SnnReference.Gradients(spec, input, target, SnnRule.ApproxOtpe);
        double diff = GradientComparison.MaxRelativeDifference(otpe, bptt);
        TestContext.Out.WriteLine(
            $"{neuron} {loss} readout {readout}: OTPE vs BPTT max rel {diff:E2}, loss {otpe.Loss:R} vs {bptt.Loss:R}; " +
            $"Approx OTPE vs BPTT cosine {GradientComparison.CosineByPrefix(approx, bptt, "layers[0]"):F4}");
        Assert.That(SnnFixtures.MaxAbs(bptt, "layers[0].W"), Is.GreaterThan(0));
        Assert.That(otpe.Loss, Is.EqualTo(bptt.Loss));
        Assert.That(diff, Is.LessThanOrEqualTo(Tolerance));
    }

    private static (SnnSpec Spec, double[][] Input, double[][] Target) Case(
        NeuronKind neuron, int[] sizes, int readout, LossKind loss, int steps, int seed, double readoutLeak)
    {
        const int inputs = 5;
        int warmup = loss == LossKind.CrossEntropy ? 3 : 0;
        var spec = SnnFixtures.Model(neuron, inputs, sizes, readout == 0 ? null : readout, loss, seed,
            readoutLeak: readoutLeak, warmup: warmup);
        var input = SnnFixtures.Input(steps, inputs, spikes: seed % 2 == 0, seed + 1000);
        var target = SnnFixtures.Target(steps, spec.Outputs, loss, seed + 2000);
        return (spec, input, target);
    }

    private static void Compare(GradientReport reference, GradientReport mine, string rule)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reference.Loss, Is.EqualTo(mine.Loss).Within(1e-12 * Math.Abs(mine.Loss)), $"{rule} loss");
            foreach (var g in mine.Gradients)
            {
                double diff = GradientComparison.MaxRelativeDifference(reference, mine, g.Name);
                double scale = g.Values.Max(Math.Abs);
                TestContext.Out.WriteLine($"{rule} {g.Name,-20} max|g| {scale:E2}  max rel diff {diff:E2}");
                Assert.That(scale, Is.GreaterThan(0), $"{rule} {g.Name} is all zero: the check would be vacuous");
                Assert.That(diff, Is.LessThanOrEqualTo(Tolerance), $"{rule} {g.Name}");
            }
        }
    }
}
