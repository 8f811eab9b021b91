using OnlineLearning.Core.Snn;

namespace OnlineLearning.Core.Tests.Snn;

/// <summary>The per-row mantissa and exponent that carry int32 signals into the int16 row kernels.</summary>
public sealed class WideSignalTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(-1)]
    [TestCase(12345)]
    [TestCase(-32767)]
    [TestCase(40000)]
    [TestCase(-987654321)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void Normalise_keeps_15_significant_bits_of_a_Q28_value(int value)
    {
        short m = WideSignal.Normalise(value, 28, 12, out int frac);
        double real = Math.ScaleB(value, -28);
        double back = Math.ScaleB(m, -frac);
        Assert.Multiple(() =>
        {
            Assert.That(frac, Is.InRange(12, 28));
            Assert.That(Math.Abs(back - real), Is.LessThanOrEqualTo(Math.ScaleB(1.0, -frac)), "error within one mantissa LSB");
            Assert.That(Math.Abs((int)m), value is > -32768 and < 32768 ? (NUnit.Framework.Constraints.Constraint)Is.EqualTo(Math.Abs(value)) : Is.GreaterThanOrEqualTo(1 << 14), "mantissa uses 15 bits");
        });
    }

    [Test]
    public void Normalise_saturates_the_mantissa_when_the_minimum_exponent_binds()
    {
        // 2^20 in Q24 is 64; with at least 20 fractional bits the mantissa cannot exceed 32767 · 2^−20 ≈ 0.031.
        short m = WideSignal.Normalise(1 << 30, 24, 20, out int frac);
        Assert.That((m, frac), Is.EqualTo(((short)32767, 20)));
    }
}
