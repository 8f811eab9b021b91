namespace OnlineLearning.Numerics;

/// <summary>The integer type a fixed-point tensor is stored in.</summary>
public enum QStorage
{
    Int8 = 8,
    Int16 = 16,
    Int32 = 32,
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
        _ => int.MinValue,
    };

    public long MaxRaw => Storage switch
    {
        QStorage.Int8 => sbyte.MaxValue,
        QStorage.Int16 => short.MaxValue,
        _ => int.MaxValue,
    };

    /// <summary>The real value of one least significant bit.</summary>
    public double Resolution => Math.ScaleB(1.0, -FracBits);

    public double MinValue => MinRaw * Resolution;

    public double MaxValue => MaxRaw * Resolution;

    public static QFormat Q7 => new(QStorage.Int8, 7);

    public static QFormat Q15 => new(QStorage.Int16, 15);

    public static QFormat Q31 => new(QStorage.Int32, 31);

    /// <summary>Rounds to nearest (ties toward +infinity, as everywhere in this library) and saturates.</summary>
    public long FromDouble(double value)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("NaN has no fixed-point representation.", nameof(value));
        }

        double scaled = Math.Floor(Math.ScaleB(value, FracBits) + 0.5);
        return scaled <= MinRaw ? MinRaw : scaled >= MaxRaw ? MaxRaw : (long)scaled;
    }

    public double ToDouble(long raw) => raw * Resolution;

    /// <summary>True when <paramref name="value"/> lies inside the representable range.</summary>
    public bool CanRepresent(double value) => value >= MinValue && value <= MaxValue;

    public override string ToString() => $"Q{IntBits}.{FracBits} ({Storage})";
}
