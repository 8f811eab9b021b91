namespace OnlineLearning.Numerics;

/// <summary>The integer type a fixed-point tensor is stored in.</summary>
public enum QStorage
{
    Int8 = 8,
    Int16 = 16,
    Int32 = 32,

    /// <summary>Wide accumulators (sums over time, losses).</summary>
    Int64 = 64,
}

/// <summary>
/// A fixed-point format: a storage type and a number of fractional bits.
/// A stored integer <c>q</c> represents the real value <c>q / 2^FracBits</c>.
/// For example Q15 is (Int16, 15) and covers [-1, 1 - 2^-15]; Q3.12 is (Int16, 12) and covers [-8, 8).
/// </summary>
/// <remarks>
/// The conversions to and from <see cref="double"/> exist for loading configs, exporting and tests only;
/// nothing on the step path may call them.
/// </remarks>
public readonly record struct QFormat
{
    public QFormat(QStorage storage, int fracBits)
    {
        int bits = (int)storage;
        if (fracBits < 0 || fracBits >= bits)
        {
            throw new ArgumentOutOfRangeException(nameof(fracBits), fracBits,
                $"A {storage} tensor can hold 0 to {bits - 1} fractional bits.");
        }

        Storage = storage;
        FracBits = fracBits;
    }

    public QStorage Storage { get; }

    public int FracBits { get; }

    /// <summary>Integer bits, not counting the sign bit.</summary>
    public int IntBits => (int)Storage - 1 - FracBits;

    public long MinRaw => Storage switch
    {
        QStorage.Int8 => sbyte.MinValue,
        QStorage.Int16 => short.MinValue,
        QStorage.Int32 => int.MinValue,
        _ => long.MinValue,
    };

    public long MaxRaw => Storage switch
    {
        QStorage.Int8 => sbyte.MaxValue,
        QStorage.Int16 => short.MaxValue,
        QStorage.Int32 => int.MaxValue,
        _ => long.MaxValue,
    };

    /// <summary>The real value of one least significant bit.</summary>
    public double Resolution => Math.ScaleB(1.0, -FracBits);

    public double MinValue => MinRaw * Resolution;

    public double MaxValue => MaxRaw * Resolution;

    public static QFormat Q7 => new(QStorage.Int8, 7);

    public static QFormat Q15 => new(QStorage.Int16, 15);

    public static QFormat Q31 => new(QStorage.Int32, 31);

    /// <summary>Bytes per stored element.</summary>
    public int Bytes => (int)Storage / 8;

    /// <summary>Rounds to nearest (ties toward +infinity, as everywhere in this library) and saturates.</summary>
    public long FromDouble(double value) => Quantize(value, FracBits, MinRaw, MaxRaw);

    /// <summary>
    /// The one quantiser from real values (config, import and host-side encoding; never the step path):
    /// value · 2^fracBits rounded to nearest with ties toward +infinity, the tie rule of every kernel
    /// (add half, shift right arithmetically), then saturated to [min, max]. NaN is an error.
    /// </summary>
    public static long Quantize(double value, int fracBits, long min, long max)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("NaN has no fixed-point representation.", nameof(value));
        }

        double scaled = Math.Floor(Math.ScaleB(value, fracBits) + 0.5);
        return scaled <= min ? min : scaled >= max ? max : (long)scaled;
    }

    /// <summary>Right shift that takes a value from this format to <paramref name="target"/> (negative: a left shift).</summary>
    public int ShiftTo(QFormat target) => FracBits - target.FracBits;

    public double ToDouble(long raw) => raw * Resolution;

    /// <summary>True when <paramref name="value"/> lies inside the representable range.</summary>
    public bool CanRepresent(double value) => value >= MinValue && value <= MaxValue;

    public override string ToString() => $"Q{IntBits}.{FracBits} ({Storage})";

    /// <summary>"Q3.12" style text.</summary>
    public string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Q{IntBits}.{FracBits}");
}
