using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// The random source behind stochastic rounding: <see cref="Lanes"/> independent xorshift32 generators
/// (Marsaglia's 13/17/5 triple), held in a caller-owned <c>Span&lt;uint&gt;</c>.
/// </summary>
/// <remarks>
/// Column j of a row always draws from lane j mod 16, and each draw first advances that lane. Because the
/// assignment depends only on the column, a 128-bit body (8 columns), a 256-bit body (16 columns) and the
/// scalar loop consume exactly the same numbers, which is what makes stochastic rounding bit-exact across
/// backends. A rounding offset for a shift s is the top s bits of the new lane state, uniform on [0, 2^s).
/// </remarks>
public static class StochasticRounding
{
    public const int Lanes = 16;

    /// <summary>Seeds the lanes from one 64-bit seed with SplitMix64, so no lane starts at zero.</summary>
    public static void Seed(Span<uint> lanes, ulong seed)
    {
        CheckLength(lanes);
        ulong state = seed;
        for (int i = 0; i < Lanes; i++)
        {
            uint value;
            do
            {
                state += 0x9E3779B97F4A7C15UL;
                ulong z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                value = (uint)(z ^ (z >> 31));
            }
            while (value == 0);

            lanes[i] = value;
        }
    }

    /// <summary>Advances one xorshift32 state and returns the new state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Next(ref uint state)
    {
        uint x = state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        state = x;
        return x;
    }

    /// <summary>Top <paramref name="shift"/> bits of a draw: an offset uniform on [0, 2^shift).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Offset(uint draw, int shift) => (int)(draw >> (32 - shift));

    /// <summary>rotated[t] = lanes[(rotation + t) mod Lanes]: element t of a slice that starts at index rotation draws from rotated[t mod Lanes].</summary>
    internal static void Rotate(ReadOnlySpan<uint> lanes, int rotation, Span<uint> rotated)
    {
        for (int t = 0; t < Lanes; t++)
        {
            rotated[t] = lanes[(rotation + t) % Lanes];
        }
    }

    /// <summary>The inverse of <see cref="Rotate"/>: lanes[(rotation + t) mod Lanes] = rotated[t].</summary>
    internal static void Unrotate(ReadOnlySpan<uint> rotated, int rotation, Span<uint> lanes)
    {
        for (int t = 0; t < Lanes; t++)
        {
            lanes[(rotation + t) % Lanes] = rotated[t];
        }
    }

    /// <summary><see cref="Next(ref uint)"/> on four lanes at once: the one vector xorshift step of every SIMD backend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<uint> Next(Vector128<uint> s)
    {
        s ^= Vector128.ShiftLeft(s, 13);
        s ^= Vector128.ShiftRightLogical(s, 17);
        s ^= Vector128.ShiftLeft(s, 5);
        return s;
    }

    /// <summary><see cref="Next(ref uint)"/> on eight lanes (AVX2 callers only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> Next(Vector256<uint> s)
    {
        s ^= Avx2.ShiftLeftLogical(s, 13);
        s ^= Avx2.ShiftRightLogical(s, 17);
        s ^= Avx2.ShiftLeftLogical(s, 5);
        return s;
    }

    /// <summary><see cref="Offset"/> of four draws: the top <paramref name="shift"/> bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> Offsets(Vector128<uint> draws, int shift) => Vector128.ShiftRightLogical(draws, 32 - shift).AsInt32();

    /// <summary>
    /// Advances lanes start..start+3 of <paramref name="lanes"/> in place and returns their offsets: the top bits
    /// kept by a logical right shift by <paramref name="offsetCount"/>, a count of <c>TSimd.RightShiftCount(32 − shift)</c>
    /// prepared once per call so the loop does not rebuild it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> NextOffsets<TSimd>(Span<uint> lanes, int start, Vector128<int> offsetCount)
        where TSimd : struct, ISimd
    {
        Vector128<uint> s = Next(Load128(lanes, start));
        Store128(s, lanes, start);
        return TSimd.ShiftRightLogical(s, offsetCount).AsInt32();
    }

    internal static void CheckLanes(Span<uint> lanes)
    {
        CheckLength(lanes);
        foreach (uint lane in lanes)
        {
            if (lane == 0)
            {
                throw new ArgumentException("A xorshift lane is zero and would stay zero; seed the lanes with StochasticRounding.Seed.", nameof(lanes));
            }
        }
    }

    private static void CheckLength(Span<uint> lanes)
    {
        if (lanes.Length != Lanes)
        {
            throw new ArgumentException($"Stochastic rounding needs exactly {Lanes} generator lanes, not {lanes.Length}.", nameof(lanes));
        }
    }
}
