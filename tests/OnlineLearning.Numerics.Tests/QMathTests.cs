namespace OnlineLearning.Numerics.Tests;

/// <summary>Rounding and saturation of the scalar specification against hand-computed cases.</summary>
public sealed class QMathTests
{
    [TestCase(5, 1, 3)]          // 2.5 -> 3: ties toward +infinity
    [TestCase(-5, 1, -2)]        // -2.5 -> -2
    [TestCase(7, 2, 2)]          // 1.75 -> 2
    [TestCase(-7, 2, -2)]        // -1.75 -> -2
    [TestCase(6, 2, 2)]          // 1.5 -> 2
    [TestCase(-6, 2, -1)]        // -1.5 -> -1
    [TestCase(int.MaxValue, 1, 1 << 30)]     // (2^31 - 1) / 2 = 2^30 - 0.5 -> 2^30, no overflow
    [TestCase(int.MinValue, 31, -1)]
    [TestCase(int.MaxValue, 31, 1)]
    [TestCase(12345, 0, 12345)]
    public void ShiftRightRound(int x, int shift, int expected) => Assert.That(QMath.ShiftRightRound(x, shift), Is.EqualTo(expected));

    [TestCase(16384, 16384, 8192)]                     // 0.5 * 0.5 = 0.25
    [TestCase(-32768, -32768, 32767)]                  // 1.0 saturates
    [TestCase(-32768, 32767, -32767)]                  // -0.99997 -> -32767
    [TestCase(1, 16384, 1)]                            // 0.5 LSB rounds up
    [TestCase(-1, 16384, 0)]                           // -0.5 LSB rounds toward +infinity
    [TestCase(3, 16384, 2)]                            // 1.5 LSB -> 2
    [TestCase(32767, 32767, 32766)]
    public void MulQ15(short a, short b, short expected) => Assert.That(QMath.MulQ15(a, b), Is.EqualTo(expected));

    [Test]
    public void MulQ31()
    {
        Assert.That(QMath.MulQ31(int.MinValue, int.MinValue), Is.EqualTo(int.MaxValue));
        Assert.That(QMath.MulQ31(1 << 30, 1 << 30), Is.EqualTo(1 << 29));
        Assert.That(QMath.MulQ31(1, 1 << 30), Is.EqualTo(1));      // 0.5 LSB rounds up
        Assert.That(QMath.MulQ31(-1, 1 << 30), Is.EqualTo(0));
    }

    [Test]
    public void SaturatingAddAndSubtract()
    {
        Assert.That(QMath.AddSat((short)32767, (short)1), Is.EqualTo(32767));
        Assert.That(QMath.AddSat((short)-32768, (short)-1), Is.EqualTo(-32768));
        Assert.That(QMath.SubSat((short)-32768, (short)1), Is.EqualTo(-32768));
        Assert.That(QMath.SubSat((short)0, (short)-32768), Is.EqualTo(32767));
        Assert.That(QMath.AddSat(int.MaxValue, 1), Is.EqualTo(int.MaxValue));
        Assert.That(QMath.AddSat(int.MinValue, -1), Is.EqualTo(int.MinValue));
        Assert.That(QMath.SubSat(0, int.MinValue), Is.EqualTo(int.MaxValue));
        Assert.That(QMath.SubSat(-2, int.MaxValue), Is.EqualTo(int.MinValue));
        Assert.That(QMath.AddSat(1000, -3000), Is.EqualTo(-2000));
    }

    [Test]
    public void NarrowingAndAbs()
    {
        Assert.That(QMath.SaturateToInt16(40000), Is.EqualTo(32767));
        Assert.That(QMath.SaturateToInt16(-40000), Is.EqualTo(-32768));
        Assert.That(QMath.SaturateToInt8(200), Is.EqualTo(127));
        Assert.That(QMath.SaturateToInt8(-200), Is.EqualTo(-128));
        Assert.That(QMath.SaturateToInt32(1L << 40), Is.EqualTo(int.MaxValue));
        Assert.That(QMath.NarrowRound(0x7FFF_FFFF, 15), Is.EqualTo(32767));
        Assert.That(QMath.NarrowRound(3 << 14, 15), Is.EqualTo(2));     // 1.5 -> 2
        Assert.That(QMath.NarrowRound(-(3 << 14), 15), Is.EqualTo(-1)); // -1.5 -> -1
        Assert.That(QMath.AbsSat(short.MinValue), Is.EqualTo(short.MaxValue));
        Assert.That(QMath.AbsSat(int.MinValue), Is.EqualTo(int.MaxValue));
        Assert.That(QMath.AbsSat((short)-5), Is.EqualTo(5));
        Assert.That(QMath.ShiftLeftSat(1 << 30, 1), Is.EqualTo(int.MaxValue));
        Assert.That(QMath.MulShiftRound(3 << 20, 5 << 10, 20), Is.EqualTo(15 << 10));
        Assert.That(QMath.DivideRound(7, 2), Is.EqualTo(4));     // 3.5 -> 4
        Assert.That(QMath.DivideRound(-7, 2), Is.EqualTo(-3));   // -3.5 -> -3, ties toward +infinity like the shifts
        Assert.That(QMath.DivideRound(-8, 3), Is.EqualTo(-3));   // -2.67 -> -3
        Assert.That(QMath.DivideRound(8, 3), Is.EqualTo(3));
        Assert.That(QMath.DivideRound(-1L << 40, 1 << 20), Is.EqualTo(-1L << 20));
    }

    [Test]
    public void QFormatConversions()
    {
        QFormat q312 = new(QStorage.Int16, 12);
        Assert.That(q312.ToString(), Is.EqualTo("Q3.12 (Int16)"));
        Assert.That(q312.FromDouble(1.5), Is.EqualTo(6144));
        Assert.That(q312.FromDouble(100), Is.EqualTo(32767));
        Assert.That(q312.FromDouble(-100), Is.EqualTo(-32768));
        Assert.That(QFormat.Q15.FromDouble(0.5 / 32768), Is.EqualTo(1));    // tie rounds toward +infinity
        Assert.That(QFormat.Q15.FromDouble(-0.5 / 32768), Is.EqualTo(0));
        Assert.That(QFormat.Q15.ToDouble(-32768), Is.EqualTo(-1.0));
        Assert.That(QFormat.Q7.MaxRaw, Is.EqualTo(127));
        Assert.That(() => new QFormat(QStorage.Int8, 8), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => QFormat.Q15.FromDouble(double.NaN), Throws.ArgumentException);
    }
}
