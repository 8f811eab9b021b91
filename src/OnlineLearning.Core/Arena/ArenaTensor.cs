using System.Globalization;

namespace OnlineLearning.Core.Memory;

/// <summary>
/// One named tensor in an <see cref="ArenaPlan"/>: its element type, Q format (fractional bits; -1 when the
/// tensor holds plain integers such as counters or generator state), element count and byte offset.
/// </summary>
public sealed record ArenaTensor(string Name, ArenaElement Element, int FracBits, int Count, int Offset)
{
    /// <summary>FracBits value for tensors that are not fixed-point numbers.</summary>
    public const int NotFixedPoint = -1;

    public int Bytes => Count * ArenaElements.Size(Element);

    /// <summary>"Q3.12" style text, or "-" for plain integers.</summary>
    public string Format => FracBits < 0
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"Q{ArenaElements.Bits(Element) - 1 - FracBits}.{FracBits}");
}
