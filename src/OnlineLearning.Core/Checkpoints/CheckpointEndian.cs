using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>Arena bytes to and from the file's little-endian order (a plain copy on every CPU we ship to).</summary>
internal static class CheckpointEndian
{
    public static void CopyToLittleEndian(ReadOnlySpan<byte> source, Span<byte> destination, int elementSize)
    {
        source.CopyTo(destination);
        if (!BitConverter.IsLittleEndian)
        {
            Swap(destination, elementSize);
        }
    }

    public static void CopyFromLittleEndian(ReadOnlySpan<byte> source, Span<byte> destination, int elementSize) =>
        CopyToLittleEndian(source, destination, elementSize);

    private static void Swap(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(bytes), MemoryMarshal.Cast<byte, short>(bytes));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bytes), MemoryMarshal.Cast<byte, int>(bytes));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(bytes), MemoryMarshal.Cast<byte, long>(bytes));
                break;
        }
    }
}
