using System.Buffers.Binary;
using System.Text;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>Bounds-checked little-endian reads over checkpoint bytes; running past the end names the field.</summary>
internal ref struct CheckpointReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly string _path;

    public CheckpointReader(ReadOnlySpan<byte> bytes, string path)
    {
        _bytes = bytes;
        _path = path;
        Position = 0;
    }

    public int Position { get; private set; }

    public void Skip(int count) => Take(count, "header");

    public byte Byte(string field) => Take(1, field)[0];

    public uint UInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public int Int32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    public ulong UInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public long Int64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

    public string String16(string field)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));
        return Utf8(Take(length, field), field);
    }

    public string String32(string field, int max)
    {
        uint length = UInt32(field);
        if (length > max)
        {
            throw new CheckpointException(_path, CheckpointProblem.BadHeader, $"declares a {field} of {length} bytes; at most {max} are allowed");
        }

        return Utf8(Take((int)length, field), field);
    }

    private string Utf8(ReadOnlySpan<byte> bytes, string field)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new CheckpointException(_path, CheckpointProblem.BadHeader, $"has a {field} that is not valid UTF-8");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        // The table lies before the CRC trailer: reading into the last 4 bytes is running off the header.
        if (count < 0 || Position + (long)count > _bytes.Length - 4)
        {
            throw new CheckpointException(_path, CheckpointProblem.BadHeader, $"ends inside its {field} (byte {Position})");
        }

        var slice = _bytes.Slice(Position, count);
        Position += count;
        return slice;
    }
}
