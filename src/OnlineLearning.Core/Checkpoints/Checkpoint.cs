using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Networks;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>
/// A checkpoint read and fully validated (magic, version, lengths, tensor table, CRC-32C), before anything is
/// copied anywhere. <see cref="Restore"/> then copies its tensors into a network whose plan has the same fingerprint.
/// </summary>
public sealed class Checkpoint
{
    private readonly byte[] _bytes;

    private Checkpoint(byte[] bytes, string path)
    {
        _bytes = bytes;
        Path = path;
    }

    public string Path { get; }

    public int Version { get; private set; }

    public ulong PlanFingerprint { get; private set; }

    public ulong SpecHash { get; private set; }

    public string Family { get; private set; } = string.Empty;

    public string Rule { get; private set; } = string.Empty;

    public string Backend { get; private set; } = string.Empty;

    public long Steps { get; private set; }

    public DateTimeOffset WrittenAt { get; private set; }

    /// <summary>The model file the network was built from (for export and for rebuilding the network).</summary>
    public string ModelJson { get; private set; } = string.Empty;

    public IReadOnlyList<CheckpointTensor> Tensors { get; private set; } = [];

    public long FileBytes => _bytes.Length;

    public uint Crc { get; private set; }

    public string PlanFingerprintText => PlanFingerprint.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Reads and validates a file. Throws <see cref="CheckpointException"/> naming the problem.</summary>
    public static Checkpoint Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new CheckpointException(path, CheckpointProblem.NotAFile, "is a directory, not a checkpoint file");
        }

        if (!File.Exists(path))
        {
            throw new CheckpointException(path, CheckpointProblem.Missing, "no such file");
        }

        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > CheckpointFormat.MaxFileBytes)
            {
                throw new CheckpointException(path, CheckpointProblem.TooLarge,
                    $"is {stream.Length} bytes; checkpoints are at most {CheckpointFormat.MaxFileBytes} bytes");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, CheckpointProblem.Unreadable, $"cannot be read: {e.Message}");
        }

        return Parse(bytes, path);
    }

    /// <summary>Validates checkpoint bytes already in memory; <paramref name="path"/> only names them in errors.</summary>
    public static Checkpoint Parse(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var checkpoint = new Checkpoint(bytes, path);
        checkpoint.Validate();
        return checkpoint;
    }

    /// <summary>The bytes of one tensor in the file (little-endian).</summary>
    public ReadOnlySpan<byte> Payload(CheckpointTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return _bytes.AsSpan(checked((int)tensor.PayloadOffset), checked((int)tensor.Bytes));
    }

    /// <summary>
    /// Copies every saved tensor into the network's arena. The plan fingerprints must match (a checkpoint is never
    /// loaded into other shapes); scratch tensors are zeroed. After this the network continues bit for bit.
    /// </summary>
    public void Restore(IOnlineNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        ulong expected = network.Plan.Fingerprint();
        if (expected != PlanFingerprint)
        {
            throw new CheckpointException(Path, CheckpointProblem.PlanMismatch,
                $"was written for plan {PlanFingerprintText} ({Family}, rule {Rule}), but this network's plan is " +
                $"{expected.ToString("x16", CultureInfo.InvariantCulture)} ({network.Family}, rule {network.Rule}); " +
                "it belongs to another model, rule or optimiser and is not loaded");
        }

        var saved = network.Plan.Tensors.Where(t => TensorRoles.IsSaved(t.Role)).ToArray();
        if (saved.Length != Tensors.Count)
        {
            throw new CheckpointException(Path, CheckpointProblem.PlanMismatch, "lists other tensors than the network's plan");
        }

        for (int i = 0; i < saved.Length; i++)
        {
            if (!Tensors[i].Matches(saved[i]))
            {
                throw new CheckpointException(Path, CheckpointProblem.PlanMismatch, $"tensor {i} is {Tensors[i].Name}, the plan has {saved[i].Name}");
            }
        }

        foreach (var t in network.Plan.Tensors)
        {
            network.Arena.Clear(t);
        }

        for (int i = 0; i < saved.Length; i++)
        {
            CheckpointEndian.CopyFromLittleEndian(Payload(Tensors[i]), network.Arena.Bytes(saved[i]), ArenaElements.Size(saved[i].Element));
        }
    }

    private void Validate()
    {
        var reader = new CheckpointReader(_bytes, Path);
        if (_bytes.Length == 0)
        {
            throw new CheckpointException(Path, CheckpointProblem.Empty, "is empty (0 bytes)");
        }

        if (_bytes.Length < CheckpointFormat.Magic.Length || !_bytes.AsSpan(0, CheckpointFormat.Magic.Length).SequenceEqual(CheckpointFormat.Magic))
        {
            bool zeroed = !_bytes.AsSpan().ContainsAnyExcept((byte)0);
            throw new CheckpointException(Path, zeroed ? CheckpointProblem.Empty : CheckpointProblem.BadMagic,
                zeroed ? "holds only zero bytes" : "is not an olrt checkpoint (no OLRTCKPT magic)");
        }

        if (_bytes.Length < CheckpointFormat.FixedHeaderBytes + 4)
        {
            throw new CheckpointException(Path, CheckpointProblem.Truncated, $"is truncated: {_bytes.Length} bytes, shorter than a header");
        }

        reader.Skip(CheckpointFormat.Magic.Length);
        Version = (int)reader.UInt32("version");
        if (Version != CheckpointFormat.Version)
        {
            throw new CheckpointException(Path, CheckpointProblem.UnsupportedVersion,
                $"has format version {Version}; this olrt reads version {CheckpointFormat.Version}");
        }

        uint headerBytes = reader.UInt32("header length");
        ulong payloadBytes = reader.UInt64("payload length");
        ulong expectedLength = (ulong)headerBytes + payloadBytes + 4;
        if (headerBytes < CheckpointFormat.FixedHeaderBytes || payloadBytes > CheckpointFormat.MaxFileBytes || expectedLength != (ulong)_bytes.Length)
        {
            bool shorter = expectedLength > (ulong)_bytes.Length && headerBytes >= CheckpointFormat.FixedHeaderBytes && payloadBytes <= CheckpointFormat.MaxFileBytes;
            throw new CheckpointException(Path, shorter ? CheckpointProblem.Truncated : CheckpointProblem.BadHeader,
                $"declares {headerBytes} header and {payloadBytes} payload bytes, but the file has {_bytes.Length} bytes" + (shorter ? " (truncated)" : string.Empty));
        }

        Crc = BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(_bytes.Length - 4));
        uint actual = Crc32C(_bytes.AsSpan(0, _bytes.Length - 4));
        if (actual != Crc)
        {
            throw new CheckpointException(Path, CheckpointProblem.CrcMismatch,
                $"is damaged: CRC-32C {actual:x8} does not match the stored {Crc:x8}");
        }

        PlanFingerprint = reader.UInt64("plan fingerprint");
        SpecHash = reader.UInt64("model hash");
        Steps = reader.Int64("steps");
        long writtenMs = reader.Int64("time");
        WrittenAt = writtenMs is >= -62135596800000 and <= 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(writtenMs) : DateTimeOffset.UnixEpoch;
        uint count = reader.UInt32("tensor count");
        if (count > CheckpointFormat.MaxTensors)
        {
            throw new CheckpointException(Path, CheckpointProblem.BadHeader, $"lists {count} tensors; at most {CheckpointFormat.MaxTensors} are allowed");
        }

        Family = reader.String16("family");
        Rule = reader.String16("rule");
        Backend = reader.String16("backend");
        ModelJson = reader.String32("model file", CheckpointFormat.MaxModelBytes);
        Tensors = ReadTable(reader, (int)count, headerBytes, payloadBytes);
    }

    private List<CheckpointTensor> ReadTable(CheckpointReader reader, int count, uint headerBytes, ulong payloadBytes)
    {
        var tensors = new List<CheckpointTensor>(Math.Min(count, 1024));
        long offset = headerBytes;
        for (int i = 0; i < count; i++)
        {
            string name = reader.String16($"tensor {i} name");
            byte role = reader.Byte("role"), element = reader.Byte("element");
            sbyte frac = (sbyte)reader.Byte("fractional bits");
            int rows = reader.Int32("rows"), cols = reader.Int32("cols");
            ulong bytes = reader.UInt64("bytes");
            if (!TensorRoles.IsDefined(role) || role == (byte)TensorRole.Scratch || !ArenaElements.IsDefined(element) || rows < 0 || cols < 0 ||
                frac < -1 || frac >= ArenaElements.Bits((ArenaElement)element) || bytes != (ulong)((long)rows * cols * ArenaElements.Size((ArenaElement)element)))
            {
                throw new CheckpointException(Path, CheckpointProblem.BadTensorTable, $"tensor {i} ({Clip(name)}) has an impossible role, type, format or shape");
            }

            tensors.Add(new CheckpointTensor(name, (TensorRole)role, (ArenaElement)element, frac, rows, cols, (long)bytes, offset));
            offset += (long)bytes;
        }

        if (reader.Position != headerBytes || offset != headerBytes + (long)payloadBytes)
        {
            throw new CheckpointException(Path, CheckpointProblem.BadTensorTable,
                $"tensor table ends at byte {reader.Position} and sizes its payload at {offset - headerBytes} bytes; the header says {headerBytes} and {payloadBytes}");
        }

        return tensors;
    }

    internal static uint Crc32C(ReadOnlySpan<byte> bytes) => Crc32CHash.Compute(bytes);

    private static string Clip(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
