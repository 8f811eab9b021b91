namespace OnlineLearning.Cli;

/// <summary>Writes a file so that a reader sees the old content or the new, never half of it.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        string temp = $"{path}.tmp-{Environment.ProcessId}";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
