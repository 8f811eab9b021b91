using System.IO.Hashing;

namespace OnlineLearning.Core.Checkpoints;

/// <summary>CRC-32C (Castagnoli, the iSCSI/ext4 polynomial) from System.IO.Hashing: what guards every checkpoint.</summary>
internal static class Crc32CHash
{
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(bytes);
        return crc.GetCurrentHashAsUInt32();
    }
}
