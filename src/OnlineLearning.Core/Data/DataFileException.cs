namespace OnlineLearning.Core.Data;

/// <summary>
/// A model, input or target file that cannot be used. The message names the file, the line (1-based, 0 when
/// the problem is the file as a whole) and what is wrong, so a command line can print it as it is.
/// </summary>
public sealed class DataFileException : Exception
{
    public DataFileException(string path, int line, string problem)
        : base(line > 0 ? $"{path}:{line}: {problem}" : $"{path}: {problem}")
    {
        Path = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>A problem in a binary file, at byte <paramref name="offset"/> (0-based) of <paramref name="path"/>.</summary>
    public DataFileException(string path, long offset, string problem)
        : base($"{path}: offset {offset}: {problem}")
    {
        Path = path;
        Offset = offset;
        Problem = problem;
    }

    public DataFileException()
    {
        Path = string.Empty;
        Problem = string.Empty;
    }

    public DataFileException(string message)
        : base(message)
    {
        Path = string.Empty;
        Problem = message;
    }

    public DataFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Problem = message;
    }

    public string Path { get; }

    public int Line { get; }

    /// <summary>The byte offset of the problem in a binary file, or -1 for text files and whole-file problems.</summary>
    public long Offset { get; } = -1;

    public string Problem { get; }
}
