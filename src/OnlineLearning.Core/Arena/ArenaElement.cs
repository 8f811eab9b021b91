using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Memory;

/// <summary>The integer element types an arena tensor can hold.</summary>
public enum ArenaElement : byte
{
    Int8,
    Int16,
    Int32,
    Int64,

    /// <summary>Random-generator lanes (xorshift32 state).</summary>
    UInt32,
}

/// <summary>Sizes and names of <see cref="ArenaElement"/>.</summary>
public static class ArenaElements
{
    /// <summary>Bytes per element.</summary>
    public static int Size(ArenaElement element) => element switch
    {
        ArenaElement.Int8 => 1,
        ArenaElement.Int16 => 2,
        ArenaElement.Int32 or ArenaElement.UInt32 => 4,
        _ => 8,
    };

    /// <summary>Bits per element, including the sign bit.</summary>
    public static int Bits(ArenaElement element) => Size(element) * 8;

    public static string Name(ArenaElement element) => element switch
    {
        ArenaElement.Int8 => "int8",
        ArenaElement.Int16 => "int16",
        ArenaElement.Int32 => "int32",
        ArenaElement.Int64 => "int64",
        _ => "uint32",
    };

    /// <summary>True for a byte value that names an element type (checkpoint validation).</summary>
    public static bool IsDefined(byte value) => value <= (byte)ArenaElement.UInt32;

    /// <summary>The Q format of a signed element with <paramref name="fracBits"/> fractional bits; null for plain integers.</summary>
    public static QFormat? Format(ArenaElement element, int fracBits)
    {
        if (fracBits < 0)
        {
            return null;
        }

        QStorage storage = element switch
        {
            ArenaElement.Int8 => QStorage.Int8,
            ArenaElement.Int16 => QStorage.Int16,
            ArenaElement.Int32 => QStorage.Int32,
            ArenaElement.Int64 => QStorage.Int64,
            _ => throw new ArgumentException("Random-generator lanes are plain integers; they have no Q format.", nameof(element)),
        };
        return new QFormat(storage, fracBits);
    }
}
