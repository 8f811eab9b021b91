using OnlineLearning.Numerics.Functions;

namespace OnlineLearning.Numerics.Tests;

/// <summary>Each table/polynomial nonlinearity against double, over its whole input range, within its stated error.</summary>
public sealed class FunctionAccuracyTests
{
    [Test]
    public void SigmoidOverEveryQ312Input()
    {
        double worst = 0;
        for (int raw = short.MinValue; raw <= short.MaxValue; raw++)
        {
            double x = raw / 4096.0;
            double exact = 1 / (1 + Math.Exp(-x));
            worst = Math.Max(worst, Math.Abs((QFunctions.Sigmoid((short)raw) / 32768.0) - exact));
        }

        TestContext.Out.WriteLine($"sigmoid max |error| = {worst:E3} (bound {QFunctions.SigmoidMaxError:E3})");
        Assert.That(worst, Is.LessThanOrEqualTo(QFunctions.SigmoidMaxError));
    }

    [TestCase(25.0, 12)]
    [TestCase(25.0, 8)]
    [TestCase(1.0, 12)]
    [TestCase(100.0, 14)]
    public void SurrogateOverEveryInput(double slope, int fracBits)
    {
        var surrogate = new FastSigmoidSurrogate(slope, fracBits);
        double worst = 0;
        for (int raw = short.MinValue; raw <= short.MaxValue; raw++)
        {
            double u = raw / (double)(1 << fracBits);
            worst = Math.Max(worst, Math.Abs((surrogate.Evaluate((short)raw) / 32768.0) - surrogate.Exact(u)));
        }

        TestContext.Out.WriteLine($"surrogate k={slope} Q.{fracBits}: max |error| = {worst:E3} (bound {FastSigmoidSurrogate.MaxError:E3})");
        Assert.That(worst, Is.LessThanOrEqualTo(FastSigmoidSurrogate.MaxError));
        Assert.That(surrogate.Evaluate(0), Is.EqualTo(32767));
    }

    [TestCase(30)]
    [TestCase(24)]
    [TestCase(16)]
    public void ExpOverTheLruRange(int outFrac)
    {
        // From e^-20 up to where the output saturates, in steps that touch every table segment.
        double worst = 0;
        for (long raw = -20L << 16; raw <= 12L << 16; raw += 97)
        {
            double exact = Math.Exp(raw / 65536.0) * Math.Pow(2, outFrac);
            if (exact >= int.MaxValue)
            {
                Assert.That(QFunctions.Exp((int)raw, outFrac), Is.EqualTo(int.MaxValue));
                continue;
            }

            double error = Math.Abs(QFunctions.Exp((int)raw, outFrac) - exact);
            double allowed = (QFunctions.ExpMaxRelativeError * exact) + 1;
            worst = Math.Max(worst, error / allowed);
        }

        TestContext.Out.WriteLine($"exp out Q{outFrac}: worst error / allowed = {worst:F3}");
        Assert.That(worst, Is.LessThanOrEqualTo(1.0));
    }

    [TestCase(16, 16)]
    [TestCase(15, 20)]
    [TestCase(0, 30)]
    [TestCase(30, 8)]
    public void RsqrtOverPositiveInputs(int inFrac, int outFrac)
    {
        double worst = 0;
        for (long raw = 1; raw <= int.MaxValue; raw = (raw * 1009 / 1000) + 1)
        {
            double exact = Math.Pow(2, outFrac) / Math.Sqrt(raw / Math.Pow(2, inFrac));
            int actual = QFunctions.Rsqrt((int)raw, inFrac, outFrac);
            if (exact >= int.MaxValue)
            {
                Assert.That(actual, Is.EqualTo(int.MaxValue));
                continue;
            }

            double allowed = (QFunctions.RsqrtMaxRelativeError * exact) + 1;
            worst = Math.Max(worst, Math.Abs(actual - exact) / allowed);
        }

        TestContext.Out.WriteLine($"rsqrt Q.{inFrac} -> Q.{outFrac}: worst error / allowed = {worst:F3}");
        Assert.That(worst, Is.LessThanOrEqualTo(1.0));
        Assert.That(QFunctions.Rsqrt(0, inFrac, outFrac), Is.EqualTo(int.MaxValue));
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        Assert.That(() => new FastSigmoidSurrogate(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FastSigmoidSurrogate(25, 16), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => QFunctions.Exp(0, 31), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => QFunctions.Sigmoid(new short[3], new short[2]), Throws.ArgumentException);
    }
}
