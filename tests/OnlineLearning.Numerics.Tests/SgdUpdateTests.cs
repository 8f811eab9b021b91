using OnlineLearning.Numerics.Conformance;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Tests;

/// <summary>
/// The fused <see cref="QKernels.SgdUpdate(Span{int}, Span{int}, short, Span{int}, long, int, Span{short}, int, Span{uint})"/>
/// returns what the optimiser computed before it existed, in four passes: count the gradient extremes, update
/// the velocity, step the masters with stochastic rounding, refresh the values, clear the gradient. That
/// sequence is written out below as it was, and every backend must match it bit for bit.
/// </summary>
public sealed class SgdUpdateTests
{
    private const int RoundingShift = 24;

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (Backend backend in Backends.Available())
        {
            foreach (bool momentum in new[] { false, true })
            {
                foreach (bool wide in new[] { false, true })
                {
                    yield return new TestCaseData(backend, momentum, wide)
                        .SetName($"{Backends.Name(backend)}.{(momentum ? "momentum" : "plain")}.{(wide ? "int32" : "int16")}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedUpdateMatchesTheFourPassOptimiser(Backend backend, bool momentum, bool wide)
    {
        QKernels k = Backends.Get(backend);
        var r = new TestVectors(77);
        foreach (int n in new[] { 1, 15, 16, 17, 100, 1031 })
        {
            foreach (InputPattern pattern in KernelConformance.Patterns)
            {
                foreach (long lr in new long[] { 1 << 28, 268_435, (long)Math.Round(7.99 * (1 << 28)) })
                {
                    short mu = momentum ? (short)r.Next(1, 32768) : (short)0;
                    int valueShift = wide ? 0 : 12;
                    int[] g = r.Ints(n, pattern), v = r.Ints(n, pattern), m = r.Ints(n, pattern);
                    uint[] lanes = new uint[StochasticRounding.Lanes];
                    StochasticRounding.Seed(lanes, r.NextUInt64());

                    int[] gOld = (int[])g.Clone(), vOld = (int[])v.Clone(), mOld = (int[])m.Clone();
                    uint[] lanesOld = (uint[])lanes.Clone();
                    short[] values16Old = new short[n], values16 = new short[n];
                    int[] values32Old = new int[n], values32 = new int[n];
                    (int satOld, int extremesOld) = FourPass(gOld, momentum ? vOld : null, mu, mOld, lr, lanesOld, wide, values16Old, values32Old, valueShift);

                    SgdCounts counts = wide
                        ? k.SgdUpdate(g, momentum ? v : default, mu, m, lr, RoundingShift, values32, valueShift, lanes)
                        : k.SgdUpdate(g, momentum ? v : default, mu, m, lr, RoundingShift, values16, valueShift, lanes);

                    string at = $"n {n}, {pattern}, lr {lr}";
                    Assert.That(m, Is.EqualTo(mOld), at);
                    Assert.That(v, Is.EqualTo(vOld), at);
                    Assert.That(g, Is.EqualTo(gOld), at);
                    Assert.That(lanes, Is.EqualTo(lanesOld), at);
                    Assert.That(values16, Is.EqualTo(values16Old), at);
                    Assert.That(values32, Is.EqualTo(values32Old), at);
                    Assert.That(counts, Is.EqualTo(new SgdCounts(satOld, extremesOld)), at);
                }
            }
        }
    }

    /// <summary>QSgd.Apply and QParameter.Refresh as they were before the fused kernel.</summary>
    private static (int Saturations, int Extremes) FourPass(
        int[] g, int[]? velocity, short mu, int[] master, long lrQ, uint[] lanes, bool wide, short[] values16, int[] values32, int shift)
    {
        int extremes = g.Count(x => x is int.MaxValue or int.MinValue);
        int[] step = g;
        if (velocity is not null && mu > 0)
        {
            for (int i = 0; i < velocity.Length; i++)
            {
                velocity[i] = QMath.AddSat(QMath.MulShiftRound(velocity[i], mu, 15), g[i]);
            }

            step = velocity;
        }

        for (int i = 0; i < master.Length; i++)
        {
            uint draw = StochasticRounding.Next(ref lanes[i % StochasticRounding.Lanes]);
            long delta = ((step[i] * lrQ) + StochasticRounding.Offset(draw, RoundingShift)) >> RoundingShift;
            master[i] = QMath.SaturateToInt32(master[i] - delta);
        }

        int saturations = 0;
        for (int i = 0; i < master.Length; i++)
        {
            int narrowed = QMath.ShiftRightRound(master[i], shift);
            if (wide)
            {
                values32[i] = narrowed;
            }
            else
            {
                saturations += narrowed is > short.MaxValue or < short.MinValue ? 1 : 0;
                values16[i] = QMath.SaturateToInt16(narrowed);
            }
        }

        Array.Clear(g);
        return (saturations, extremes);
    }
}
