namespace OnlineLearning.Numerics.Functions;

/// <summary>
/// Sine and cosine for the LRU's eigenvalue phases, and a fine e^-x for its moduli near 1 (seed 004 Eq. 11).
/// Angles are binary fractions of a full turn held in a uint (2^32 = 2π), so range reduction is the
/// wrap-around of unsigned arithmetic and costs nothing.
/// </summary>
public static partial class QFunctions
{
    /// <summary>
    /// Maximum |error| of <see cref="SinCos"/> in real units: interpolation h²/8 = 2.94e-7 for h = 2π/4096,
    /// the 4 angle bits dropped below the 16-bit fraction (2.3e-8), and the Q30 sample and output rounding.
    /// </summary>
    public const double SinCosMaxError = 3.3e-7;

    /// <summary>Maximum |error| of <see cref="ExpMinus"/> in real units (the Exp table's 4e-6 relative error dominates).</summary>
    public const double ExpMinusMaxError = 4.1e-6;

    /// <summary>Fractional bits of the <see cref="ExpMinus"/> input (Q5.26, so x up to 32).</summary>
    public const int ExpMinusInputFracBits = 26;

    private const int TurnBits = 12;

    // 2^60 / (2π), so that radians * this / 2^(28 + frac) is the angle in units of 2^-32 turns.
    private const long TurnsPerRadianQ60 = 183_493_156_455_125_088;

    // sin(2π f) on [0, 1) in 4096 segments: h^2/8 * max|sin''| = (2π/4096)^2 / 8 = 2.94e-7.
    private static readonly InterpolationTable SinTable = new(f => Math.Sin(2 * Math.PI * f), 0, 1, TurnBits);

    /// <summary>sin and cos of <paramref name="turns"/> / 2^32 of a full turn, both in Q30. |error| ≤ <see cref="SinCosMaxError"/>.</summary>
    public static void SinCos(uint turns, out int sinQ30, out int cosQ30)
    {
        sinQ30 = SinOfTurns(turns);
        cosQ30 = SinOfTurns(unchecked(turns + (1u << 30)));   // cos x = sin(x + quarter turn)
    }

    /// <summary>
    /// An angle in radians with <paramref name="fracBits"/> (0 to 30) fractional bits, as a fraction of a turn in
    /// units of 2^-32 (rounded, modulo one turn). Exact up to the rounding of the last unit.
    /// </summary>
    public static uint RadiansToTurns(int radians, int fracBits)
    {
        Kernels.Check.Shift(fracBits, 0, 30);
        Int128 product = (Int128)radians * TurnsPerRadianQ60;
        int shift = 28 + fracBits;
        Int128 rounded = (product + (Int128.One << (shift - 1))) >> shift;
        return unchecked((uint)(ulong)(rounded & ulong.MaxValue));
    }

    /// <summary>
    /// e^-x for x ≥ 0 in Q5.26 (x up to 32), in Q30. Below x = 1/16 a 6-term Taylor series keeps the
    /// absolute error near 2^-29, so moduli |λ| = e^-x close to 1 keep 1 − |λ| to better than 1e-6 relative;
    /// above it the Q16 part comes from <see cref="Exp(int, int)"/> and the remainder below 2^-16 from 1 − lo. Negative x is treated as 0.
    /// </summary>
    public static int ExpMinus(int xQ26)
    {
        if (xQ26 <= 0)
        {
            return 1 << 30;
        }

        if (xQ26 < 1 << 22)
        {
            long a = (long)xQ26 << 4;                      // Q30, below 2^26
            long a2 = (a * a) >> 30, a3 = (a2 * a) >> 30, a4 = (a3 * a) >> 30, a5 = (a4 * a) >> 30;
            return (int)((1L << 30) - a + (a2 >> 1) - (a3 / 6) + (a4 / 24) - (a5 / 120));
        }

        // x = hi + lo with hi on the Q16 grid Exp takes and lo < 2^-16: e^-lo = 1 - lo to within 2^-33.
        int drop = ExpMinusInputFracBits - ExpInputFracBits;
        long hiPart = Exp(-(xQ26 >> drop), 30);
        long lo = xQ26 & ((1 << drop) - 1);
        return (int)(hiPart - QMath.ShiftRightRound(hiPart * lo, ExpMinusInputFracBits));
    }

    private static int SinOfTurns(uint turns) =>
        SinTable.Evaluate((int)(turns >> (32 - TurnBits)), (int)((turns >> (16 - TurnBits)) & 0xFFFF));
}
