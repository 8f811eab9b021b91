namespace OnlineLearning.Numerics.Functions;

/// <summary>
/// The spike surrogate derivative 1 / (1 + k|u|)^2 (the fast sigmoid's derivative), integer-only.
/// u is int16 with <see cref="InputFracBits"/> fractional bits; the result is Q15 (1.0 saturates to 32767).
/// </summary>
/// <remarks>
/// d = 1 + k|u| is formed in Q16, normalised to m * 2^b with m in [1, 2), 1/m comes from an interpolated
/// table (relative error 3.8e-6), and the square is rounded once to Q15. The maximum absolute error is
/// <see cref="MaxError"/>: 1.5 Q15 LSB, which includes the saturation of 1.0 to 32767/32768.
/// </remarks>
public sealed class FastSigmoidSurrogate
{
    public const int DefaultSlope = 25;

    /// <summary>Maximum |error| against the exact 1/(1 + k|u|)^2 at the quantised input, in real units.</summary>
    public const double MaxError = 1.5 / 32768;

    private readonly long slopeQ16;

    /// <param name="slope">k, from the config. It is quantised to Q16 here, once.</param>
    /// <param name="inputFracBits">Fractional bits of u (0 to 15).</param>
    public FastSigmoidSurrogate(double slope = DefaultSlope, int inputFracBits = 12)
    {
        if (!(slope > 0) || slope > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(slope), slope, "The surrogate slope k must be in (0, 4096].");
        }

        Kernels.Check.Shift(inputFracBits, 0, 15);
        slopeQ16 = QFormat.Quantize(slope, 16, 0, long.MaxValue);
        InputFracBits = inputFracBits;
    }

    public int InputFracBits { get; }

    /// <summary>k as actually used, after quantisation to Q16.</summary>
    public double Slope => slopeQ16 / 65536.0;

    /// <summary>1/(1 + k|u|)^2 in Q15.</summary>
    public short Evaluate(short u)
    {
        long au = Math.Abs((int)u);
        long dQ16 = 65536 + ((slopeQ16 * au) >> InputFracBits);   // 1 + k|u| in Q16, floor
        long reciprocalQ30 = QFunctions.ReciprocalMantissaQ30(dQ16, out int b);
        // 1/d = reciprocal * 2^-30 * 2^-(b - 16); squared and put in Q15: r^2 >> (45 + 2(b - 16)).
        int shift = 45 + (2 * (b - 16));
        if (shift >= 62)
        {
            return 0;   // below 2^-17: rounds to zero in Q15
        }

        return QMath.SaturateToInt16(QMath.ShiftRightRound(reciprocalQ30 * reciprocalQ30, shift));
    }

    /// <summary>Span form of <see cref="Evaluate(short)"/>.</summary>
    public void Evaluate(ReadOnlySpan<short> u, Span<short> dst)
    {
        Kernels.Check.SameLength(u.Length, dst.Length);
        for (int i = 0; i < u.Length; i++)
        {
            dst[i] = Evaluate(u[i]);
        }
    }

    /// <summary>The exact value, for references and tests.</summary>
    public double Exact(double u) => 1 / ((1 + (Slope * Math.Abs(u))) * (1 + (Slope * Math.Abs(u))));
}
