namespace OnlineLearning.Numerics.Conformance;

/// <summary>How conformance inputs are drawn.</summary>
public enum InputPattern
{
    /// <summary>Uniform over the whole storage range.</summary>
    Random,

    /// <summary>Only the edge values: minimum, minimum + 1, -1, 0, 1, maximum - 1, maximum.</summary>
    Extremes,

    /// <summary>Small magnitudes, where rounding decides the result.</summary>
    Small,
}

/// <summary>A seeded generator of test vectors (xorshift64*), so every run and every machine sees the same inputs.</summary>
public sealed class TestVectors
{
    private static readonly short[] EdgeShorts = [short.MinValue, short.MinValue + 1, -1, 0, 1, short.MaxValue - 1, short.MaxValue];
    private static readonly int[] EdgeInts = [int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue - 1, int.MaxValue];
    private ulong state;

    public TestVectors(ulong seed) => state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    public ulong NextUInt64()
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1DUL;
    }

    public int Next(int minInclusive, int maxExclusive) =>
        minInclusive + (int)(NextUInt64() % (ulong)((long)maxExclusive - minInclusive));

    public short[] Shorts(int length, InputPattern pattern)
    {
        var a = new short[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = pattern switch
            {
                InputPattern.Extremes => EdgeShorts[Next(0, EdgeShorts.Length)],
                InputPattern.Small => (short)Next(-64, 65),
                _ => (short)NextUInt64(),
            };
        }

        return a;
    }

    public int[] Ints(int length, InputPattern pattern)
    {
        var a = new int[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = pattern switch
            {
                InputPattern.Extremes => EdgeInts[Next(0, EdgeInts.Length)],
                InputPattern.Small => Next(-100_000, 100_001),
                _ => (int)NextUInt64(),
            };
        }

        return a;
    }

    public byte[] Spikes(int length)
    {
        var a = new byte[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = (byte)(NextUInt64() % 3 == 0 ? 1 : 0);
        }

        return a;
    }

    /// <summary>A fresh array with <paramref name="offset"/> elements in front, so the returned slice is unaligned.</summary>
    public static Memory<T> Unaligned<T>(T[] data, int offset)
    {
        var padded = new T[data.Length + offset];
        data.CopyTo(padded, offset);
        return padded.AsMemory(offset, data.Length);
    }
}
