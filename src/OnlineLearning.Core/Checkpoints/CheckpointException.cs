namespace OnlineLearning.Core.Checkpoints;

/// <summary>Why a checkpoint file could not be used.</summary>
public enum CheckpointProblem
{
    Missing,
    NotAFile,
    Empty,
    TooLarge,
    Truncated,
    BadMagic,
    UnsupportedVersion,
    BadHeader,
    BadTensorTable,
    CrcMismatch,
    PlanMismatch,
    Unreadable,
}

/// <summary>A checkpoint that cannot be loaded, with the problem named and a message a user can act on.</summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string path, CheckpointProblem problem, string message)
        : base($"{path}: {message}")
    {
        Path = path;
        Problem = problem;
    }

    public CheckpointException()
    {
        Path = string.Empty;
    }

    public CheckpointException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    public string Path { get; }

    public CheckpointProblem Problem { get; }

    /// <summary>The problem as a lower-case word for status lines ("crc-mismatch").</summary>
    public string ProblemName => Problem switch
    {
        CheckpointProblem.NotAFile => "not-a-file",
        CheckpointProblem.TooLarge => "too-large",
        CheckpointProblem.BadMagic => "bad-magic",
        CheckpointProblem.UnsupportedVersion => "unsupported-version",
        CheckpointProblem.BadHeader => "bad-header",
        CheckpointProblem.BadTensorTable => "bad-tensor-table",
        CheckpointProblem.CrcMismatch => "crc-mismatch",
        CheckpointProblem.PlanMismatch => "plan-mismatch",
        _ => Problem.ToString().ToLowerInvariant(),
    };
}
