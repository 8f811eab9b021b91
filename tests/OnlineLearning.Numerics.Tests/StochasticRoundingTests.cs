using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Tests;

/// <summary>
/// Small updates must not vanish: the mean update applied by stochastic rounding equals the exact update,
/// while round-to-nearest applies nothing at all for updates below half an LSB.
/// </summary>
public sealed class StochasticRoundingTests
{
    private const int Rows = 4;
    private const int Cols = 37;      // not a multiple of 8 or 16: vector bodies and the scalar tail both take part
    private const int Trials = 4000;
    private const int Shift = 15;

    // Small factors: every exact update u[i] * v[j] / 2^15 is below 0.03 LSB.
    private static readonly short[] U = [3, -5, 7, 1];
    private static readonly short[] V = Enumerable.Range(0, Cols).Select(j => (short)(((j * 37) % 201) - 100)).ToArray();

    public static IEnumerable<Backend> AvailableBackends() => Backends.Available();

    [TestCaseSource(nameof(AvailableBackends))]
    public void MeanAppliedUpdateMatchesExactUpdate(Backend backend)
    {
        QKernels k = Backends.Get(backend);
        short[] u = U, v = V;
        var w = new short[Rows * Cols];
        var lanes = new uint[QKernels.RngLanes];
        StochasticRounding.Seed(lanes, 42);

        for (int t = 0; t < Trials; t++)
        {
            k.Rank1UpdateStochastic(w, Rows, Cols, u, v, Shift, lanes);
        }

        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Cols; j++)
            {
                // Exact per-trial update p = u*v/2^15, |p| < 0.03 LSB. Each trial adds floor(p + U), a Bernoulli
                // variable with variance frac(p)(1 - frac(p)) <= 1/4, so the standard error of the mean is at most
                // 0.5/sqrt(Trials); allow 5 standard errors.
                double exact = u[i] * v[j] / 32768.0;
                double mean = w[(i * Cols) + j] / (double)Trials;
                Assert.That(mean, Is.EqualTo(exact).Within(5 * 0.5 / Math.Sqrt(Trials)), $"w[{i},{j}]");
            }
        }

        // No systematic bias: the mean over all elements of (applied mean - exact) has standard error
        // at most 0.5 / sqrt(Trials * elements); allow 5 of them. Truncation would be off by about -0.01.
        double bias = Enumerable.Range(0, Rows * Cols)
            .Average(e => (w[e] / (double)Trials) - (u[e / Cols] * v[e % Cols] / 32768.0));
        Assert.That(bias, Is.EqualTo(0).Within(5 * 0.5 / Math.Sqrt(Trials * Rows * Cols)));
    }

    [TestCaseSource(nameof(AvailableBackends))]
    public void RoundToNearestLosesSmallUpdates(Backend backend)
    {
        QKernels k = Backends.Get(backend);
        short[] u = U, v = V;
        var w = new short[Rows * Cols];
        for (int t = 0; t < Trials; t++)
        {
            k.Rank1UpdateNearest(w, Rows, Cols, u, v, Shift);
        }

        // Every exact update is below half an LSB, so nothing is ever applied.
        Assert.That(w, Is.All.EqualTo(0));
    }

    [Test]
    public void LanesMustBeSeeded()
    {
        var lanes = new uint[QKernels.RngLanes];
        var w = new short[8];
        Assert.That(() => Backends.Get(Backend.Scalar).Rank1UpdateStochastic(w, 1, 8, [1], new short[8], 4, lanes),
            Throws.ArgumentException.With.Message.Contains("Seed"));
        Assert.That(() => StochasticRounding.Seed(new uint[3], 1), Throws.ArgumentException);
    }

    [Test]
    public void SeedingIsDeterministicAndNonZero()
    {
        uint[] a = new uint[16], b = new uint[16], c = new uint[16];
        StochasticRounding.Seed(a, 7);
        StochasticRounding.Seed(b, 7);
        StochasticRounding.Seed(c, 8);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a, Has.None.EqualTo(0u));
    }
}
