namespace OnlineLearning.Core.Models;

/// <summary>
/// The deterministic generator that fills parameters a model file leaves out (SplitMix64). Its own code, not
/// System.Random, so that a seed means the same model on every runtime version and machine.
/// </summary>
public sealed class SpecRandom
{
    private ulong _state;

    public SpecRandom(long seed) => _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);

    public ulong NextUInt64()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Uniform on [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Standard normal (Box-Muller).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double[] Normal(int length, double std)
    {
        var v = new double[length];
        for (int i = 0; i < length; i++)
        {
            v[i] = std * Normal();
        }

        return v;
    }

    public double[][] Normal(int rows, int cols, double std)
    {
        var m = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            m[r] = Normal(cols, std);
        }

        return m;
    }
}
