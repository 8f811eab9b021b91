using OnlineLearning.Core.Networks;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>The outcome of one save: the step count it holds, or why it failed (the previous good file is untouched).</summary>
public sealed record CheckpointSaveResult(bool Saved, long Steps, string? Error);

/// <summary>The outcome of a load: which file was used (null: none, start fresh) and why, in order.</summary>
public sealed record CheckpointLoadResult(string? UsedPath, long Steps, IReadOnlyList<string> Notes);

/// <summary>
/// A checkpoint at a path, with its previous good version at <c>path.prev</c>. Saving writes <c>path.tmp</c>,
/// fsyncs it, moves the current good file to <c>.prev</c>, renames the temp file over the path and fsyncs the
/// directory: a kill at any instant leaves at least one loadable file. Loading takes the newest valid file.
/// </summary>
public sealed class CheckpointStore
{
    public CheckpointStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string PreviousPath => Path + ".prev";

    public string TempPath => Path + ".tmp";

    /// <summary>Saves the network. IO failures (disk full, read-only directory) are returned, never thrown.</summary>
    public CheckpointSaveResult Save(IOnlineNetwork network, ModelDocument model, string backend)
    {
        ArgumentNullException.ThrowIfNull(network);
        byte[] bytes = CheckpointWriter.Serialize(network, model, backend, DateTimeOffset.UtcNow);
        long steps = network.Health().Steps;
        try
        {
            WriteDurably(TempPath, bytes);
            if (IsValid(Path))
            {
                File.Move(Path, PreviousPath, overwrite: true);
            }

            File.Move(TempPath, Path, overwrite: true);
            DirectorySync.Flush(System.IO.Path.GetDirectoryName(Path)!);
            return new CheckpointSaveResult(true, steps, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(TempPath);
            return new CheckpointSaveResult(false, steps, e.Message);
        }
    }

    /// <summary>
    /// Restores the newest valid checkpoint (the path, else <c>.prev</c>) into the network. Returns which file was
    /// used and why the others were not. A valid checkpoint of another plan is refused with a
    /// <see cref="CheckpointException"/> naming both fingerprints: it is never loaded and never silently skipped.
    /// </summary>
    public CheckpointLoadResult Load(IOnlineNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var notes = new List<string>();
        var candidates = new List<Checkpoint>();
        foreach (string path in new[] { Path, PreviousPath })
        {
            try
            {
                candidates.Add(Checkpoint.Load(path));
            }
            catch (CheckpointException e) when (e.Problem == CheckpointProblem.Missing)
            {
                notes.Add($"{path}: not present");
            }
            catch (CheckpointException e)
            {
                notes.Add($"{e.Message} [{e.ProblemName}]; skipped");
            }
        }

        if (candidates.Count == 0)
        {
            notes.Add("no valid checkpoint: starting fresh");
            return new CheckpointLoadResult(null, 0, notes);
        }

        var newest = candidates.OrderByDescending(c => c.Steps).First();
        newest.Restore(network);
        notes.Add($"loaded {newest.Path}: step {newest.Steps}, written {newest.WrittenAt:u} by rule {newest.Rule} on {newest.Backend}" +
                  (candidates.Count > 1 ? $" (the newer of {candidates.Count} valid files)" : string.Empty));
        return new CheckpointLoadResult(newest.Path, newest.Steps, notes);
    }

    private static bool IsValid(string path)
    {
        try
        {
            Checkpoint.Load(path);
            return true;
        }
        catch (CheckpointException)
        {
            return false;
        }
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: a stale temp file is ignored by Load and replaced by the next save.
        }
    }
}
