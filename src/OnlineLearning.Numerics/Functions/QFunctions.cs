using System.Numerics;
using System.Runtime.CompilerServices;

namespace OnlineLearning.Numerics.Functions;

/// <summary>
/// Integer-only nonlinearities: table lookup with linear interpolation after range reduction.
/// Each states its maximum error against the exact function; tests check those bounds against double.
/// They are scalar on every backend (table gathers do not vectorise on NEON), so they are identical everywhere.
/// </summary>
public static partial class QFunctions
{
    /// <summary>Fractional bits of the <see cref="Sigmoid(short)"/> input: Q3.12, range [-8, 8).</summary>
    public const int SigmoidInputFracBits = 12;

    /// <summary>Fractional bits of the <see cref="Exp(int, int)"/> input: Q15.16.</summary>
    public const int ExpInputFracBits = 16;

    /// <summary>Maximum |error| of <see cref="Sigmoid(short)"/> in real units (1 Q15 LSB).</summary>
    public const double SigmoidMaxError = 1.0 / 32768;

    /// <summary>Maximum relative error of <see cref="Exp(int, int)"/>, on top of one output LSB.</summary>
    public const double ExpMaxRelativeError = 4e-6;

    /// <summary>Maximum relative error of <see cref="Rsqrt(int, int, int)"/>, on top of one output LSB.</summary>
    public const double RsqrtMaxRelativeError = 2e-6;

    private const int Q30 = 30;
    private const long Log2EQ30 = 1549082005;          // round(log2(e) * 2^30)
    private const int InvSqrt2Q30 = 759250125;         // round(2^30 / sqrt(2))

    // sigmoid on [0, 8] in 512 segments of 1/64: h^2/8 * max|sigmoid''| (0.0962) = 2.9e-6.
    private static readonly InterpolationTable SigmoidTable = new(x => 1 / (1 + Math.Exp(-x)), 0, 8, 9);

    // 2^f on [0, 1) in 256 segments: h^2/8 * ln(2)^2 * 2 = 1.8e-6 relative.
    private static readonly InterpolationTable Exp2Table = new(f => Math.Pow(2, f), 0, 1, 8);

    // 1/sqrt(m) on [1, 2) in 512 segments: h^2/8 * 0.75 = 3.6e-7 relative.
    private static readonly InterpolationTable RsqrtTable = new(m => 1 / Math.Sqrt(m), 1, 2, 9);

    // 1/m on [1, 2) in 256 segments: h^2/8 * 2 = 3.8e-6 relative.
    private static readonly InterpolationTable ReciprocalTable = new(m => 1 / m, 1, 2, 8);

    /// <summary>Logistic sigmoid: Q3.12 in, Q15 out (1.0 saturates to 32767). |error| ≤ <see cref="SigmoidMaxError"/>.</summary>
    public static short Sigmoid(short x)
    {
        // sigmoid(-x) = 1 - sigmoid(x): evaluate |x| only. |x| <= 32768 maps to index <= 512.
        int ax = Math.Abs((int)x);
        int yQ30 = SigmoidTable.Evaluate(ax >> 6, (ax & 63) << 10);
        int yQ15 = (yQ30 + (1 << 14)) >> 15;
        return QMath.SaturateToInt16(x >= 0 ? yQ15 : 32768 - yQ15);
    }

    /// <summary>Span form of <see cref="Sigmoid(short)"/>.</summary>
    public static void Sigmoid(ReadOnlySpan<short> x, Span<short> dst)
    {
        Kernels.Check.SameLength(x.Length, dst.Length);
        for (int i = 0; i < x.Length; i++)
        {
            dst[i] = Sigmoid(x[i]);
        }
    }

    /// <summary>
    /// e^x for x in Q15.16, returned as round(e^x * 2^outFracBits) saturated to int32 (outFracBits 0 to 30).
    /// Range reduction: x * log2(e) = n + f with f in [0, 1), then 2^f from a table and a shift by n.
    /// Relative error ≤ <see cref="ExpMaxRelativeError"/> plus one output LSB.
    /// </summary>
    public static int Exp(int xQ16, int outFracBits)
    {
        Kernels.Check.Shift(outFracBits, 0, 30);
        long yQ24 = ((long)xQ16 * Log2EQ30) >> 22;          // x * log2(e) in Q24, floor
        int n = (int)(yQ24 >> 24);
        int f = (int)(yQ24 & 0xFFFFFF);
        long mantissaQ30 = Exp2Table.Evaluate(f >> 16, f & 0xFFFF);
        int shift = Q30 - n - outFracBits;                   // value = mantissa * 2^(n - 30)
        if (shift >= 62)
        {
            return 0;
        }

        return shift >= 0
            ? QMath.SaturateToInt32(QMath.ShiftRightRound(mantissaQ30, shift))
            : -shift >= 32 ? int.MaxValue : QMath.SaturateToInt32(mantissaQ30 << -shift);
    }

    /// <summary>Span form of <see cref="Exp(int, int)"/>.</summary>
    public static void Exp(ReadOnlySpan<int> xQ16, int outFracBits, Span<int> dst)
    {
        Kernels.Check.SameLength(xQ16.Length, dst.Length);
        for (int i = 0; i < xQ16.Length; i++)
        {
            dst[i] = Exp(xQ16[i], outFracBits);
        }
    }

    /// <summary>
    /// 1/sqrt(x) for a positive x with <paramref name="inFracBits"/> (0 to 30) fractional bits, returned as
    /// round(2^outFracBits / sqrt(x)) saturated to int32 (outFracBits 0 to 30). x ≤ 0 gives int.MaxValue,
    /// the saturated limit. Relative error ≤ <see cref="RsqrtMaxRelativeError"/> plus one output LSB.
    /// </summary>
    public static int Rsqrt(int x, int inFracBits, int outFracBits)
    {
        Kernels.Check.Shift(inFracBits, 0, 30);
        Kernels.Check.Shift(outFracBits, 0, 30);
        if (x <= 0)
        {
            return int.MaxValue;
        }

        // Make the exponent even: x_real = X * 2^-e with e even.
        int odd = inFracBits & 1;
        long big = (long)x << odd;
        int e = inFracBits + odd;
        int b = BitOperations.Log2((ulong)big);               // big = m * 2^b, m in [1, 2)
        ulong position = b == 0 ? 0 : (ulong)big << (64 - b);
        long r = RsqrtTable.EvaluateFraction(position);       // 1/sqrt(m) in Q30
        if ((b & 1) != 0)
        {
            r = (r * InvSqrt2Q30) >> 30;                      // 2^(-1/2) for the odd half of b
        }

        // 1/sqrt(x_real) = r * 2^-30 * 2^-(b >> 1) * 2^(e / 2)
        int shift = Q30 + (b >> 1) - (e >> 1) - outFracBits;
        if (shift >= 62)
        {
            return 0;
        }

        return shift >= 0
            ? QMath.SaturateToInt32(QMath.ShiftRightRound(r, shift))
            : -shift >= 32 ? int.MaxValue : QMath.SaturateToInt32(r << -shift);
    }

    /// <summary>1/m in Q30 for a value given as big = m * 2^b with b = floor(log2(big)); used by the surrogate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ReciprocalMantissaQ30(long big, out int b)
    {
        b = BitOperations.Log2((ulong)big);
        ulong position = b == 0 ? 0 : (ulong)big << (64 - b);
        return ReciprocalTable.EvaluateFraction(position);
    }
}
