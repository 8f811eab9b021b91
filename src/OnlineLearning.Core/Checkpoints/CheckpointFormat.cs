namespace OnlineLearning.Core.Checkpoints;

/// <summary>
/// The checkpoint file layout (docs/checkpoints.md), little-endian whatever CPU wrote it:
/// <code>
/// header   magic "OLRTCKPT" (8) | version u32 | header bytes u32 | payload bytes u64 | plan fingerprint u64 |
///          model-spec hash u64 | steps i64 | written at, Unix ms i64 | tensors u32 |
///          family, rule, backend (u16 length + UTF-8 each) | model file (u32 length + UTF-8)
/// table    per tensor: name (u16 length + UTF-8) | role u8 | element u8 | fractional bits i8 | rows i32 | cols i32 | bytes u64
/// payload  each tensor's elements, in table order, little-endian
/// trailer  CRC-32C (Castagnoli) of every byte before it, u32
/// </code>
/// The header-bytes field counts the header and the table; scratch tensors are not in the table.
/// </summary>
public static class CheckpointFormat
{
    public const int Version = 1;

    /// <summary>Bytes of the fixed part of the header, up to the tensor count.</summary>
    public const int FixedHeaderBytes = 60;

    /// <summary>The largest checkpoint this runtime reads: twice the largest arena the factory admits, plus slack.</summary>
    public const long MaxFileBytes = 1L << 31;

    /// <summary>Most tensors a checkpoint may list.</summary>
    public const int MaxTensors = 1 << 16;

    /// <summary>Longest model file a checkpoint may embed.</summary>
    public const int MaxModelBytes = 64 << 20;

    public static ReadOnlySpan<byte> Magic => "OLRTCKPT"u8;
}
