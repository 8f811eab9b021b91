using System.Runtime.InteropServices;

namespace OnlineLearning.Core.Memory;

/// <summary>
/// The one block of memory a network lives in, carved into the tensors of its <see cref="ArenaPlan"/>.
/// Span accessors are views into that block; they never allocate. Every byte starts at zero.
/// </summary>
public sealed class Arena
{
    private readonly byte[] _memory;
    private readonly ArenaTensor _saturations;

    internal Arena(ArenaPlan plan, ArenaTensor saturations)
    {
        Plan = plan;
        _saturations = saturations;
        _memory = GC.AllocateArray<byte>(plan.TotalBytes, pinned: true);
    }

    public ArenaPlan Plan { get; }

    /// <summary>Bytes allocated.</summary>
    public int Length => _memory.Length;

    public Span<byte> Bytes(ArenaTensor t) => Slice(t, ArenaElement.Int8);

    public Span<sbyte> Int8(ArenaTensor t) => MemoryMarshal.Cast<byte, sbyte>(Slice(t, ArenaElement.Int8));

    public Span<short> Int16(ArenaTensor t) => MemoryMarshal.Cast<byte, short>(Slice(t, ArenaElement.Int16));

    public Span<int> Int32(ArenaTensor t) => MemoryMarshal.Cast<byte, int>(Slice(t, ArenaElement.Int32));

    public Span<long> Int64(ArenaTensor t) => MemoryMarshal.Cast<byte, long>(Slice(t, ArenaElement.Int64));

    public Span<uint> UInt32(ArenaTensor t) => MemoryMarshal.Cast<byte, uint>(Slice(t, ArenaElement.UInt32));

    /// <summary>Saturation counters, one per <see cref="ArenaPlan.Tracked"/> tensor.</summary>
    public Span<long> Saturations => Int64(_saturations);

    /// <summary>Adds <paramref name="events"/> to a tensor's saturation counter.</summary>
    public void CountSaturations(int slot, int events)
    {
        if (events != 0)
        {
            Saturations[slot] += events;
        }
    }

    /// <summary>Saturation events per tracked tensor, for health reports.</summary>
    public IReadOnlyList<(string Tensor, long Events)> SaturationReport()
    {
        var counts = Saturations;
        var report = new List<(string, long)>(Plan.Tracked.Count);
        for (int i = 0; i < Plan.Tracked.Count; i++)
        {
            report.Add((Plan.Tracked[i].Name, counts[i]));
        }

        return report;
    }

    /// <summary>Zeroes one tensor.</summary>
    public void Clear(ArenaTensor t) => Bytes(t).Clear();

    private Span<byte> Slice(ArenaTensor t, ArenaElement expected)
    {
        if (ArenaElements.Size(t.Element) != ArenaElements.Size(expected) && expected != ArenaElement.Int8)
        {
            throw new InvalidOperationException($"{t.Name} holds {ArenaElements.Name(t.Element)}, not {ArenaElements.Name(expected)}.");
        }

        return _memory.AsSpan(t.Offset, t.Bytes);
    }
}
