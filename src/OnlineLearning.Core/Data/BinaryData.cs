namespace OnlineLearning.Core.Data;

/// <summary>Whole-file reads for the binary loaders, bounded before anything is allocated.</summary>
internal static class BinaryData
{
    /// <summary>Reads <paramref name="path"/> if it exists and is at most <paramref name="maxBytes"/> long.</summary>
    public static byte[] ReadAll(string path, long maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DataFileException(path, 0, "file not found");
        }

        if (info.Length > maxBytes)
        {
            throw new DataFileException(path, 0, $"the file is {info.Length} bytes, more than the {maxBytes} this loader accepts");
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>Reads a stream to its end, failing once it passes <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadBounded(string path, Stream stream, long maxBytes, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new DataFileException(path, 0, $"{what} expands to more than {maxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
