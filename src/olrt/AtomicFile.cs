using OnlineLearning.Core.Data;

namespace OnlineLearning.Cli;

/// <summary>Writes a file so that a reader sees the old content or the new, never half of it.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Fails early, before any work, when <paramref name="path"/> cannot be an output file: it is a directory, or
    /// its directory does not exist.
    /// </summary>
    public static void CheckWritable(string path)
    {
        if (Directory.Exists(path))
        {
            throw new DataFileException(path, 0, "is a directory; --out takes a file name");
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DataFileException(path, 0, $"cannot be written: the directory {UserText.Echo(directory)} does not exist");
        }
    }

    /// <summary>
    /// Writes a temporary file next to <paramref name="path"/>, flushes it to disk and renames it over the target.
    /// Any failure is a <see cref="DataFileException"/> and leaves no temporary file behind.
    /// </summary>
    public static void WriteAllText(string path, string text)
    {
        CheckWritable(path);
        string temp = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, 0, $"cannot be written: {UserText.Echo(e.Message)}");
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the write already failed and says so.
        }
    }
}
