using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Memory;

/// <summary>
/// One named tensor in an <see cref="ArenaPlan"/>: its role, element type, Q format (null when it holds plain
/// integers such as counters or generator state), shape [Rows][Cols] and byte offset.
/// </summary>
public sealed record ArenaTensor(string Name, TensorRole Role, ArenaElement Element, QFormat? Format, int Rows, int Cols, int Offset)
{
    /// <summary>Fractional-bits value that marks a tensor of plain integers when a tensor is added.</summary>
    public const int NotFixedPoint = -1;

    public int Count => Rows * Cols;

    public int Bytes => Count * ArenaElements.Size(Element);

    /// <summary>Fractional bits, or <see cref="NotFixedPoint"/>.</summary>
    public int FracBits => Format?.FracBits ?? NotFixedPoint;

    /// <summary>"Q3.12" style text, or "-" for plain integers.</summary>
    public string FormatText => Format?.Name ?? "-";

    /// <summary>"[rows x cols]" or "[count]".</summary>
    public string ShapeText => Rows == 1 ? $"[{Cols}]" : $"[{Rows}x{Cols}]";
}
