using System.Runtime.CompilerServices;

namespace OnlineLearning.Numerics.Functions;

/// <summary>
/// A function sampled at 2^segmentBits + 1 evenly spaced points of [lo, hi], stored in Q30, and read
/// back with linear interpolation between neighbours using a 16-bit fraction. Integer-only to evaluate.
/// </summary>
/// <remarks>
/// The table is built once with double arithmetic when a type is initialised (configuration time), never
/// on the step path. Interpolation error is at most h^2/8 * max|f''| for segment width h, plus half a Q30
/// LSB from storing the samples and half a Q30 LSB from rounding the interpolation.
/// </remarks>
internal sealed class InterpolationTable
{
    private readonly int[] samples;

    public InterpolationTable(Func<double, double> f, double lo, double hi, int segmentBits)
    {
        SegmentBits = segmentBits;
        int segments = 1 << segmentBits;
        samples = new int[segments + 2];   // +1 for the right end, +1 so index == segments interpolates safely
        for (int k = 0; k <= segments; k++)
        {
            samples[k] = (int)QFormat.Quantize(f(lo + ((hi - lo) * k / segments)), 30, int.MinValue, int.MaxValue);
        }

        samples[segments + 1] = samples[segments];
    }

    public int SegmentBits { get; }

    /// <summary>f(lo + (index + frac16 / 65536) * h) in Q30.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Evaluate(int index, int frac16)
    {
        int a = samples[index], b = samples[index + 1];
        return a + (int)((((long)(b - a) * frac16) + (1 << 15)) >> 16);
    }

    /// <summary>Evaluates at a position given as a 64-bit binary fraction of [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int EvaluateFraction(ulong position) =>
        Evaluate((int)(position >> (64 - SegmentBits)), (int)((position >> (48 - SegmentBits)) & 0xFFFF));
}
