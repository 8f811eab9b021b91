using OnlineLearning.Numerics.Functions;

namespace OnlineLearning.Numerics.Tests;

/// <summary>The LRU's sin/cos table and fine e^-x against double, within their stated errors.</summary>
public sealed class TrigAccuracyTests
{
    [Test]
    public void SinCosOverAFullTurnWithinStatedError()
    {
        // 2^20 angles: every table segment, many fractions inside each, plus both wrap-around ends.
        double worst = 0;
        for (long k = 0; k <= 1L << 32; k += 4093)
        {
            uint turns = (uint)Math.Min(k, uint.MaxValue);
            QFunctions.SinCos(turns, out int s, out int c);
            double angle = 2 * Math.PI * turns / 4294967296.0;
            worst = Math.Max(worst, Math.Abs((s / 1073741824.0) - Math.Sin(angle)));
            worst = Math.Max(worst, Math.Abs((c / 1073741824.0) - Math.Cos(angle)));
        }

        TestContext.Out.WriteLine($"sincos max |error| = {worst:E3} (bound {QFunctions.SinCosMaxError:E3})");
        Assert.That(worst, Is.LessThanOrEqualTo(QFunctions.SinCosMaxError));
    }

    [TestCase(24)]
    [TestCase(16)]
    [TestCase(30)]
    public void RadiansToTurnsWrapsExactly(int frac)
    {
        double worst = 0;
        for (double radians = -40; radians < 40; radians += 0.0137)
        {
            int raw = (int)Math.Round(Math.ScaleB(radians, frac));
            if (Math.Abs(Math.ScaleB(radians, frac)) >= int.MaxValue)
            {
                continue;
            }

            double exact = raw / Math.ScaleB(1, frac) / (2 * Math.PI);
            double turns = QFunctions.RadiansToTurns(raw, frac) / 4294967296.0;
            double diff = Math.Abs(turns - (exact - Math.Floor(exact)));
            worst = Math.Max(worst, Math.Min(diff, 1 - diff) * 4294967296.0);
        }

        TestContext.Out.WriteLine($"radians Q.{frac} -> turns: worst error {worst:F3} units of 2^-32");
        Assert.That(worst, Is.LessThanOrEqualTo(0.5 + 1e-6));
    }

    [Test]
    public void ExpMinusOverTheModulusRange()
    {
        // x = -ln|λ| from 1e-6 (|λ| = 0.999999) to 30, log-spaced, plus the series/table seam at 1/16.
        double worst = 0, worstNearOne = 0;
        for (double x = 1e-6; x < 30; x *= 1.0007)
        {
            int raw = (int)Math.Round(Math.ScaleB(x, QFunctions.ExpMinusInputFracBits));
            double exact = Math.Exp(-raw / Math.ScaleB(1, QFunctions.ExpMinusInputFracBits));
            double error = Math.Abs((QFunctions.ExpMinus(raw) / 1073741824.0) - exact);
            worst = Math.Max(worst, error);
            if (x < 1.0 / 16)
            {
                worstNearOne = Math.Max(worstNearOne, error);
            }
        }

        TestContext.Out.WriteLine($"exp(-x) max |error| = {worst:E3} (bound {QFunctions.ExpMinusMaxError:E3}); below x = 1/16: {worstNearOne:E3} (bound 4 Q30 LSB)");
        Assert.That(worst, Is.LessThanOrEqualTo(QFunctions.ExpMinusMaxError));
        Assert.That(worstNearOne, Is.LessThanOrEqualTo(4.0 / 1073741824.0));
        Assert.That(QFunctions.ExpMinus(0), Is.EqualTo(1 << 30));
    }
}
