using System.Runtime.CompilerServices;

namespace OnlineLearning.Numerics;

/// <summary>
/// Scalar fixed-point operations. This file is the specification: every SIMD backend must return
/// exactly what these functions return, for every input.
/// </summary>
/// <remarks>
/// <para><b>Rounding rule.</b> Every operation that drops low bits rounds to nearest with ties toward
/// +infinity: add half of the dropped weight, then shift right arithmetically. So 2.5 becomes 3 and
/// -2.5 becomes -2. It is the rule the hardware implements (NEON SQRDMULH, SRSHR, SQRSHRN; x86 PMULHRSW),
/// which is why it was chosen over ties-to-even.</para>
/// <para><b>Saturation.</b> Results that do not fit the destination clamp to its minimum or maximum.
/// Nothing wraps, except where a function says so.</para>
/// </remarks>
public static class QMath
{
    /// <summary>Saturates to the int16 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SaturateToInt16(int x) =>
        (short)(x < short.MinValue ? short.MinValue : x > short.MaxValue ? short.MaxValue : x);

    /// <summary>Saturates to the int16 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SaturateToInt16(long x) =>
        (short)(x < short.MinValue ? short.MinValue : x > short.MaxValue ? short.MaxValue : x);

    /// <summary>Saturates to the int8 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte SaturateToInt8(int x) =>
        (sbyte)(x < sbyte.MinValue ? sbyte.MinValue : x > sbyte.MaxValue ? sbyte.MaxValue : x);

    /// <summary>Saturates to the int32 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturateToInt32(long x) =>
        (int)(x < int.MinValue ? int.MinValue : x > int.MaxValue ? int.MaxValue : x);

    /// <summary>Saturating int16 addition.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short AddSat(short a, short b) => SaturateToInt16(a + b);

    /// <summary>Saturating int16 subtraction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SubSat(short a, short b) => SaturateToInt16(a - b);

    /// <summary>Saturating int32 addition.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AddSat(int a, int b) => SaturateToInt32((long)a + b);

    /// <summary>Saturating int32 subtraction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SubSat(int a, int b) => SaturateToInt32((long)a - b);

    /// <summary>Exact int16 product in int32. It cannot overflow: the extremes are 2^30 and -2^30 + 2^15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mul(short a, short b) => a * b;

    /// <summary>
    /// Q15 multiply with rounding: round(a * b / 2^15), saturated. Same bits as NEON SQRDMULH (16-bit).
    /// The only input that saturates is -32768 * -32768, which gives 32767.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short MulQ15(short a, short b) => SaturateToInt16(((a * b) + (1 << 14)) >> 15);

    /// <summary>
    /// Q31 multiply-high with rounding: round(a * b / 2^31), saturated. Same bits as NEON SQRDMULH (32-bit).
    /// The only input that saturates is int.MinValue * int.MinValue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MulQ31(int a, int b) => SaturateToInt32((((long)a * b) + (1L << 30)) >> 31);

    /// <summary>
    /// Arithmetic shift right by <paramref name="shift"/> (0 to 31) with rounding, ties toward +infinity.
    /// Computed without an intermediate that could overflow, so int.MaxValue rounds correctly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShiftRightRound(int x, int shift) =>
        shift == 0 ? x : (x >> shift) + ((x >> (shift - 1)) & 1);

    /// <summary>Arithmetic shift right by <paramref name="shift"/> (0 to 63) with rounding, ties toward +infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ShiftRightRound(long x, int shift) =>
        shift == 0 ? x : (x >> shift) + ((x >> (shift - 1)) & 1);

    /// <summary>a / b rounded to nearest for b &gt; 0, ties toward +infinity (floor of a / b + ½), like the shifts.</summary>
    public static long DivideRound(long a, long b)
    {
        long n = a + (b >> 1);
        return n >= 0 ? n / b : -((-n + b - 1) / b);
    }

    /// <summary>Rounding shift right, then saturate to int16. Same bits as NEON SQRSHRN (16-bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short NarrowRound(int x, int shift) => SaturateToInt16(ShiftRightRound(x, shift));

    /// <summary>Saturating left shift of an int32 by 0 to 31 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShiftLeftSat(int x, int shift) => SaturateToInt32((long)x << shift);

    /// <summary>Absolute value with saturation: |-32768| is 32767.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short AbsSat(short x) => x == short.MinValue ? short.MaxValue : (short)Math.Abs((int)x);

    /// <summary>Absolute value with saturation: |int.MinValue| is int.MaxValue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AbsSat(int x) => x == int.MinValue ? int.MaxValue : Math.Abs(x);

    /// <summary>Clamps to [lo, hi].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Clamp(short x, short lo, short hi) => x < lo ? lo : x > hi ? hi : x;

    /// <summary>
    /// Product of two values in arbitrary Q formats, requantised: round(a * b / 2^shift), saturated to int32.
    /// With a in Qa and b in Qb, the result is in Q(a + b - shift).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MulShiftRound(int a, int b, int shift) => SaturateToInt32(ShiftRightRound((long)a * b, shift));
}
