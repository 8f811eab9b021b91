using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace OnlineLearning.Core.Data;

/// <summary>
/// Reads SciPy's <c>scipy/misc/ecg.dat</c>: despite the name, a NumPy <c>.npz</c> (a zip archive) holding
/// one array, <c>ecg.npy</c>: 108,000 little-endian uint16 samples, 5 minutes of lead MLII of MIT-BIH record
/// 208 at 360 Hz. A bare <c>.npy</c> file is read too. Millivolts are (raw - 1024) / 200.
/// </summary>
public static partial class EcgDat
{
    public const double SampleRateHz = 360;

    /// <summary>The raw value of 0 mV.</summary>
    public const int Baseline = 1024;

    /// <summary>Raw units per millivolt.</summary>
    public const double UnitsPerMillivolt = 200;

    /// <summary>A file, or an array inside the archive, larger than this is refused before it is read.</summary>
    public const long MaxBytes = 64L << 20;

    public static double ToMillivolts(ushort raw) => (raw - Baseline) / UnitsPerMillivolt;

    /// <summary>The samples in millivolts.</summary>
    public static double[] LoadMillivolts(string path)
    {
        ushort[] raw = LoadRaw(path);
        var mv = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            mv[i] = ToMillivolts(raw[i]);
        }

        return mv;
    }

    /// <summary>The raw uint16 samples of an <c>.npz</c> with one array, or of a bare <c>.npy</c>.</summary>
    public static ushort[] LoadRaw(string path)
    {
        byte[] bytes = BinaryData.ReadAll(path, MaxBytes);
        return bytes.AsSpan().StartsWith("PK\u0003\u0004"u8) ? ParseNpz(path, bytes) : ParseNpy(path, bytes);
    }

    /// <summary>Reads the single <c>.npy</c> member of a zip archive.</summary>
    public static ushort[] ParseNpz(string path, byte[] zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
            ZipArchiveEntry[] arrays = [.. archive.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal))];
            if (arrays.Length != 1)
            {
                throw new DataFileException(path, 0, $"expected one .npy array in the archive, found {arrays.Length}");
            }

            ZipArchiveEntry entry = arrays[0];
            if (entry.Length > MaxBytes)
            {
                throw new DataFileException(path, 0, $"{entry.FullName} declares {entry.Length} bytes, more than {MaxBytes}");
            }

            using Stream stream = entry.Open();
            byte[] npy = BinaryData.ReadBounded(path, stream, entry.Length, entry.FullName);
            if (npy.Length != entry.Length)
            {
                throw new DataFileException(path, 0, $"{entry.FullName}: the archive declares {entry.Length} bytes, it holds {npy.Length}");
            }

            return ParseNpy($"{path}:{entry.FullName}", npy);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, 0, $"damaged zip archive: {e.Message}");
        }
    }

    /// <summary>
    /// Parses NumPy's array format: "\x93NUMPY", major and minor version, the header length (2 bytes in
    /// version 1, 4 after), a Python dict literal, then the data. Only a one-dimensional '&lt;u2' array in C
    /// order is accepted, and the data must be exactly as long as its shape says.
    /// </summary>
    public static ushort[] ParseNpy(string path, ReadOnlySpan<byte> npy)
    {
        if (npy.Length < 6 || npy[0] != 0x93 || !npy[1..6].SequenceEqual("NUMPY"u8))
        {
            throw new DataFileException(path, 0L, "not a NumPy .npy array (no \\x93NUMPY magic)");
        }

        if (npy.Length < 10)
        {
            throw new DataFileException(path, (long)npy.Length, "truncated .npy header");
        }

        int major = npy[6];
        int headerStart = major == 1 ? 10 : 12;
        if (major is < 1 or > 3 || npy.Length < headerStart)
        {
            throw new DataFileException(path, 6L, $".npy version {major} is not supported");
        }

        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(npy[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(npy[8..]);
        if (headerStart + headerLength > npy.Length)
        {
            throw new DataFileException(path, 8L, $"the header declares {headerLength} bytes, the file has {npy.Length - headerStart} after it");
        }

        string header = Encoding.Latin1.GetString(npy.Slice(headerStart, (int)headerLength));
        if (!header.Contains("'descr': '<u2'", StringComparison.Ordinal))
        {
            throw new DataFileException(path, (long)headerStart, $"expected little-endian uint16 ('descr': '<u2'), found {header.Trim()}");
        }

        if (!header.Contains("'fortran_order': False", StringComparison.Ordinal))
        {
            throw new DataFileException(path, (long)headerStart, "expected C order ('fortran_order': False)");
        }

        Match shape = OneDimensionalShape().Match(header);
        if (!shape.Success || !long.TryParse(shape.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
        {
            throw new DataFileException(path, (long)headerStart, $"expected a one-dimensional shape '(n,)', found {header.Trim()}");
        }

        ReadOnlySpan<byte> data = npy[(headerStart + (int)headerLength)..];
        if (count * 2 != data.Length)
        {
            throw new DataFileException(path, (long)(headerStart + headerLength),
                $"the shape declares {count} samples = {count * 2} bytes, the file has {data.Length}");
        }

        if (count == 0)
        {
            throw new DataFileException(path, (long)headerStart, "the array is empty");
        }

        var samples = new ushort[count];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
        }

        return samples;
    }

    [GeneratedRegex(@"'shape': \((\d+),\)")]
    private static partial Regex OneDimensionalShape();
}
