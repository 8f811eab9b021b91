namespace OnlineLearning.Core.Data;

/// <summary>
/// Reads a whole input file with its size checked first, so that a 2 GiB file is a one-line error rather than
/// an IOException or an OutOfMemoryException. Every failure is a <see cref="DataFileException"/> naming the file.
/// </summary>
public static class DataFiles
{
    /// <summary>Largest model file read (64 MiB; documented in docs/models.md).</summary>
    public const long MaxModelBytes = 64L << 20;

    /// <summary>Largest CSV file read (256 MiB; documented in docs/grads.md).</summary>
    public const long MaxCsvBytes = 256L << 20;

    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new DataFileException(path, 0, "is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            throw new DataFileException(path, 0, "file not found");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = stream.CanSeek ? stream.Length : -1;
            if (length > maxBytes)
            {
                throw TooLarge(path, Bytes(length), maxBytes);
            }

            // Read at most maxBytes + 1 so a file that grows while being read (or a pipe) is still capped.
            using var buffer = new MemoryStream(length > 0 ? (int)length : 4096);
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(path, "more than " + Bytes(maxBytes), maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, 0, $"cannot be read: {UserText.Echo(e.Message)}");
        }
    }

    /// <summary>"64 MiB", "1.5 GiB": a byte count for messages.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }

        return u == 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes:0} bytes") : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes:0.#} {units[u]}");
    }

    private static DataFileException TooLarge(string path, string size, long maxBytes) =>
        new(path, 0, $"is {size}, over the {Bytes(maxBytes)} limit for this kind of file");
}
