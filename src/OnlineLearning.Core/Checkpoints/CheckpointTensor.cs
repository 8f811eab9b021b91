using OnlineLearning.Core.Memory;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>One entry of a checkpoint's tensor table, and where its bytes are in the file.</summary>
public sealed record CheckpointTensor(string Name, TensorRole Role, ArenaElement Element, int FracBits, int Rows, int Cols, long Bytes, long PayloadOffset)
{
    /// <summary>"Q3.12" style text, or "-" for plain integers.</summary>
    public string FormatText => ArenaElements.Format(Element == ArenaElement.UInt32 ? ArenaElement.Int32 : Element, FracBits)?.Name ?? "-";

    /// <summary>True when an arena tensor has exactly this name, role, storage, format and shape.</summary>
    public bool Matches(ArenaTensor t) =>
        t.Name == Name && t.Role == Role && t.Element == Element && t.FracBits == FracBits && t.Rows == Rows && t.Cols == Cols;
}
