using System.Buffers.Binary;
using System.Text;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Networks;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>
/// Turns a network's arena (minus scratch) into checkpoint bytes. The writer allocates; the network does not, and
/// nothing here runs on the step path.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>The complete file: header, tensor table, payload and CRC-32C.</summary>
    public static byte[] Serialize(IOnlineNetwork network, ModelDocument model, string backend, DateTimeOffset writtenAt)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(backend);
        var saved = network.Plan.Tensors.Where(t => TensorRoles.IsSaved(t.Role)).ToArray();
        using var header = new MemoryStream();
        WriteTable(header, saved);
        byte[] table = header.ToArray();
        byte[] family = Encoding.UTF8.GetBytes(network.Family), rule = Encoding.UTF8.GetBytes(network.Rule), back = Encoding.UTF8.GetBytes(backend);
        byte[] modelBytes = Encoding.UTF8.GetBytes(model.Text);
        int headerBytes = CheckpointFormat.FixedHeaderBytes + 6 + family.Length + rule.Length + back.Length + 4 + modelBytes.Length + table.Length;
        long payloadBytes = saved.Sum(t => (long)t.Bytes);
        var file = new byte[checked(headerBytes + payloadBytes + 4)];
        var span = file.AsSpan();
        CheckpointFormat.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], CheckpointFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)headerBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], (ulong)payloadBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], network.Plan.Fingerprint());
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], model.SpecHash);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], network.Health().Steps);
        BinaryPrimitives.WriteInt64LittleEndian(span[48..], writtenAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt32LittleEndian(span[56..], (uint)saved.Length);
        int at = CheckpointFormat.FixedHeaderBytes;
        at = Put16(span, at, family);
        at = Put16(span, at, rule);
        at = Put16(span, at, back);
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)modelBytes.Length);
        modelBytes.CopyTo(span[(at + 4)..]);
        at += 4 + modelBytes.Length;
        table.CopyTo(span[at..]);
        at += table.Length;
        foreach (var t in saved)
        {
            CheckpointEndian.CopyToLittleEndian(network.Arena.Bytes(t), span.Slice(at, t.Bytes), ArenaElements.Size(t.Element));
            at += t.Bytes;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32CHash.Compute(span[..at]));
        return file;
    }

    private static void WriteTable(MemoryStream table, IReadOnlyList<ArenaTensor> saved)
    {
        Span<byte> fields = stackalloc byte[19];
        Span<byte> length = stackalloc byte[2];
        foreach (var t in saved)
        {
            byte[] name = Encoding.UTF8.GetBytes(t.Name);
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)name.Length);
            table.Write(length);
            table.Write(name);
            fields[0] = (byte)t.Role;
            fields[1] = (byte)t.Element;
            fields[2] = (byte)(sbyte)t.FracBits;
            BinaryPrimitives.WriteInt32LittleEndian(fields[3..], t.Rows);
            BinaryPrimitives.WriteInt32LittleEndian(fields[7..], t.Cols);
            BinaryPrimitives.WriteUInt64LittleEndian(fields[11..], (ulong)t.Bytes);
            table.Write(fields);
        }
    }

    private static int Put16(Span<byte> span, int at, byte[] text)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)text.Length);
        text.CopyTo(span[(at + 2)..]);
        return at + 2 + text.Length;
    }
}
