using System.Numerics;

namespace OnlineLearning.Core.Training;

/// <summary>
/// Integer natural logarithm for loss reporting: the integer part of log2 from the leading bit, the
/// fraction bit by bit by repeated squaring of the Q30 mantissa. Error below 2^-15 in ln.
/// </summary>
public static class QLog
{
    /// <summary>Fractional bits of the results.</summary>
    public const int FracBits = 16;

    private const long Ln2Q30 = 744261118;   // round(ln(2) * 2^30)

    /// <summary>log2(x / 2^xFracBits) in Q16; x must be positive.</summary>
    public static long Log2(long x, int xFracBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        int top = BitOperations.Log2((ulong)x);
        // Mantissa in Q30, in [1, 2).
        long m = top >= 30 ? x >> (top - 30) : x << (30 - top);
        long result = (long)(top - xFracBits) << FracBits;
        for (int bit = FracBits - 1; bit >= 0; bit--)
        {
            m = (m * m) >> 30;
            if (m >= 1L << 31)
            {
                m >>= 1;
                result += 1L << bit;
            }
        }

        return result;
    }

    /// <summary>ln(x / 2^xFracBits) in Q16; x must be positive.</summary>
    public static long Ln(long x, int xFracBits) => ((Log2(x, xFracBits) * Ln2Q30) + (1L << 29)) >> 30;
}
