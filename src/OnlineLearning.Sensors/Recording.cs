using System.Buffers.Binary;
using System.Globalization;
using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>How to read a CSV recording: the sample rate and fixed-point format are not in the file.</summary>
public sealed record CsvRecordingOptions
{
    /// <summary>Frames per second of the recording (required).</summary>
    public int SampleRateHz { get; init; }

    /// <summary>Values are stored as round(value * 2^FracBits) in int16; 0 for files of raw counts.</summary>
    public int FracBits { get; init; }

    /// <summary>With a header: the name of the label column (matched ignoring case); absent means no labels.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Without a header: the zero-based index of the label column, or -1 for none.</summary>
    public int LabelColumnIndex { get; init; } = -1;
}

/// <summary>
/// A recording held in memory: frames of int16 values in a declared <see cref="QFormat"/>, optionally with one
/// int16 label per frame. Read from CSV (numeric columns, optional header, optional label column) or from the
/// OLRC binary format. Any malformed input is one <see cref="RecordingFormatException"/> naming the file, the
/// line or byte offset, and the reason.
/// </summary>
/// <remarks>
/// OLRC layout, little-endian: "OLRC", u16 version (1), u16 channels, u32 sample rate (Hz), u8 fractional bits,
/// u8 flags (bit 0: a label channel follows each frame), u16 reserved (0), u32 frame count, then per frame
/// <c>channels</c> int16 values and, when flagged, one int16 label.
/// </remarks>
public sealed class Recording
{
    public const int OlrcHeaderBytes = 20;
    private const ushort OlrcVersion = 1;

    private readonly short[] _frames;
    private readonly short[]? _labels;

    public Recording(string name, int channels, int sampleRateHz, QFormat format, short[] frames, short[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRateHz, 1);
        if (format.Storage != QStorage.Int16)
        {
            throw new ArgumentException($"Recordings hold int16 values, not {format}.", nameof(format));
        }

        if (frames.Length == 0 || frames.Length % channels != 0)
        {
            throw new ArgumentException($"{frames.Length} values are not a whole, non-zero number of {channels}-channel frames.", nameof(frames));
        }

        if (labels is not null && labels.Length != frames.Length / channels)
        {
            throw new ArgumentException($"{labels.Length} labels for {frames.Length / channels} frames.", nameof(labels));
        }

        Name = name;
        Channels = channels;
        SampleRateHz = sampleRateHz;
        Format = format;
        _frames = frames;
        _labels = labels;
    }

    public string Name { get; }

    public int Channels { get; }

    public int SampleRateHz { get; }

    public QFormat Format { get; }

    public int FrameCount => _frames.Length / Channels;

    public bool HasLabels => _labels is not null;

    public ReadOnlySpan<short> Frame(int index) => _frames.AsSpan(index * Channels, Channels);

    public short Label(int index) => _labels is null ? (short)0 : _labels[index];

    /// <summary>One channel's samples, in order (a copy).</summary>
    public short[] ChannelSamples(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        var samples = new short[FrameCount];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = _frames[(i * Channels) + channel];
        }

        return samples;
    }

    /// <summary>
    /// Loads an OLRC file (recognised by its magic) or a CSV file (which needs <paramref name="csv"/> for its
    /// sample rate and format).
    /// </summary>
    public static Recording Load(string path, CsvRecordingOptions? csv = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SensorConfigException($"{path}: cannot read the recording: {ex.Message}", ex);
        }

        if (bytes.AsSpan().StartsWith("OLRC"u8))
        {
            return ReadOlrc(bytes, path);
        }

        if (csv is null)
        {
            throw new SensorConfigException($"{path}: not an OLRC file, and a CSV recording needs a sample rate (CSV options).");
        }

        using var reader = new StreamReader(new MemoryStream(bytes));
        return ReadCsv(reader, path, csv);
    }

    /// <summary>Parses an OLRC image; <paramref name="name"/> names it in errors.</summary>
    public static Recording ReadOlrc(ReadOnlySpan<byte> data, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (data.Length < OlrcHeaderBytes)
        {
            throw Bad(name, 0, $"truncated header: {data.Length} bytes, an OLRC header is {OlrcHeaderBytes}");
        }

        if (!data.StartsWith("OLRC"u8))
        {
            throw Bad(name, 0, "bad magic: expected \"OLRC\"");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        ushort channels = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        byte fracBits = data[12];
        byte flags = data[13];
        ushort reserved = BinaryPrimitives.ReadUInt16LittleEndian(data[14..]);
        uint frameCount = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        if (version != OlrcVersion)
        {
            throw Bad(name, 4, $"unsupported version {version} (this reader knows {OlrcVersion})");
        }

        if (channels == 0)
        {
            throw Bad(name, 6, "zero channels");
        }

        if (rate == 0 || rate > int.MaxValue)
        {
            throw Bad(name, 8, $"sample rate {rate} Hz is not valid");
        }

        if (fracBits > 15)
        {
            throw Bad(name, 12, $"{fracBits} fractional bits do not fit int16 (0 to 15)");
        }

        if ((flags & ~1) != 0 || reserved != 0)
        {
            throw Bad(name, 13, $"unknown flags 0x{flags:x2} or reserved 0x{reserved:x4} (must be 0)");
        }

        if (frameCount == 0)
        {
            throw Bad(name, 16, "no frames");
        }

        bool hasLabels = (flags & 1) != 0;
        int stride = channels + (hasLabels ? 1 : 0);
        long expected = OlrcHeaderBytes + ((long)frameCount * stride * 2);
        if (data.Length < expected)
        {
            long whole = (data.Length - OlrcHeaderBytes) / (stride * 2);
            throw Bad(name, OlrcHeaderBytes + (whole * stride * 2),
                $"truncated: the header declares {frameCount} frames ({expected} bytes), the file has {data.Length} bytes ({whole} whole frames)");
        }

        if (data.Length > expected)
        {
            throw Bad(name, expected, $"{data.Length - expected} bytes after the last of {frameCount} frames");
        }

        var frames = new short[frameCount * channels];
        short[]? labels = hasLabels ? new short[frameCount] : null;
        ReadOnlySpan<byte> payload = data[OlrcHeaderBytes..];
        for (int f = 0, v = 0; f < frameCount; f++)
        {
            ReadOnlySpan<byte> row = payload.Slice(f * stride * 2, stride * 2);
            for (int c = 0; c < channels; c++)
            {
                frames[v++] = BinaryPrimitives.ReadInt16LittleEndian(row[(2 * c)..]);
            }

            if (labels is not null)
            {
                labels[f] = BinaryPrimitives.ReadInt16LittleEndian(row[(2 * channels)..]);
            }
        }

        return new Recording(name, channels, (int)rate, new QFormat(QStorage.Int16, fracBits), frames, labels);
    }

    /// <summary>Writes this recording in the OLRC format.</summary>
    public void WriteOlrc(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        int stride = Channels + (HasLabels ? 1 : 0);
        var bytes = new byte[OlrcHeaderBytes + ((long)FrameCount * stride * 2)];
        "OLRC"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), OlrcVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)SampleRateHz);
        bytes[12] = (byte)Format.FracBits;
        bytes[13] = (byte)(HasLabels ? 1 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)FrameCount);
        Span<byte> payload = bytes.AsSpan(OlrcHeaderBytes);
        for (int f = 0; f < FrameCount; f++)
        {
            Span<byte> row = payload.Slice(f * stride * 2, stride * 2);
            for (int c = 0; c < Channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(row[(2 * c)..], _frames[(f * Channels) + c]);
            }

            if (_labels is not null)
            {
                BinaryPrimitives.WriteInt16LittleEndian(row[(2 * Channels)..], _labels[f]);
            }
        }

        stream.Write(bytes);
    }

    /// <summary>
    /// Parses a CSV recording: comma-separated numeric columns, an optional header (a first line that is not all
    /// numbers), an optional label column of integers. Values are rounded to nearest, ties toward +infinity, at
    /// <see cref="CsvRecordingOptions.FracBits"/>; a value that does not fit int16 is an error, not a clamp.
    /// </summary>
    public static Recording ReadCsv(TextReader reader, string name, CsvRecordingOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SampleRateHz < 1)
        {
            throw new SensorConfigException($"{name}: a CSV recording needs a sample rate of at least 1 Hz, not {options.SampleRateHz}.");
        }

        var format = new QFormat(QStorage.Int16, options.FracBits);
        var values = new List<short>();
        var labels = new List<short>();
        int columns = -1;
        int labelIndex = options.LabelColumnIndex;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (columns < 0)
            {
                columns = fields.Length;
                if (!fields.All(f => double.TryParse(f.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    labelIndex = Array.FindIndex(fields, f => string.Equals(f.Trim(), options.LabelColumn, StringComparison.OrdinalIgnoreCase));
                    continue; // a header
                }
            }

            if (fields.Length != columns)
            {
                throw new RecordingFormatException($"{name}:{lineNumber}: expected {columns} columns, found {fields.Length}");
            }

            for (int c = 0; c < fields.Length; c++)
            {
                string text = fields[c].Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                {
                    throw new RecordingFormatException($"{name}:{lineNumber}: column {c + 1}: '{text}' is not a number");
                }

                if (!double.IsFinite(value))
                {
                    throw new RecordingFormatException($"{name}:{lineNumber}: column {c + 1}: '{text}' is not a finite number");
                }

                if (c == labelIndex)
                {
                    if (value != Math.Floor(value) || value < short.MinValue || value > short.MaxValue)
                    {
                        throw new RecordingFormatException($"{name}:{lineNumber}: column {c + 1}: label '{text}' is not an int16 integer");
                    }

                    labels.Add((short)value);
                    continue;
                }

                double scaled = Math.Floor(Math.ScaleB(value, options.FracBits) + 0.5);
                if (scaled < short.MinValue || scaled > short.MaxValue)
                {
                    throw new RecordingFormatException(
                        $"{name}:{lineNumber}: column {c + 1}: {text} does not fit {format} (range {format.MinValue} to {format.MaxValue})");
                }

                values.Add((short)scaled);
            }
        }

        if (columns < 0 || values.Count == 0)
        {
            throw new RecordingFormatException($"{name}:{lineNumber}: no data rows");
        }

        bool hasLabels = labelIndex >= 0 && labelIndex < columns;
        int channels = columns - (hasLabels ? 1 : 0);
        if (channels == 0)
        {
            throw new RecordingFormatException($"{name}:1: the only column is the label column");
        }

        return new Recording(name, channels, options.SampleRateHz, format, [.. values], hasLabels ? [.. labels] : null);
    }

    private static RecordingFormatException Bad(string name, long offset, string reason) =>
        new($"{name}: offset {offset}: {reason}");
}
