namespace OnlineLearning.Core.Memory;

/// <summary>The integer element types an arena tensor can hold.</summary>
public enum ArenaElement
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
}
