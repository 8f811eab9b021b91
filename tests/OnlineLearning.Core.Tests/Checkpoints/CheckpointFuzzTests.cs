using System.Buffers.Binary;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Checkpoints;

/// <summary>
/// The checkpoint parser survives 10,000 seeded malformed inputs: truncations, bit and byte flips, declared sizes
/// of 10^9 and negative sizes, garbage tables with a recomputed CRC (so the table checks, not the CRC, must catch
/// them). Each ends in a <see cref="CheckpointException"/> or a valid parse, with bounded allocation.
/// </summary>
[Category("Fuzz")]
public sealed class CheckpointFuzzTests
{
    [Test]
    public void Ten_thousand_malformed_checkpoints_end_in_clean_errors()
    {
        var document = ModelDocument.Parse("m.json", CheckpointFixtures.LruModel);
        var network = CheckpointFixtures.Build(CheckpointFixtures.LruModel, "truncated", UpdateSchedule.Every(2), 0.5);
        CheckpointFixtures.Drive(network, 0, 9);
        byte[] file = CheckpointWriter.Serialize(network, document, "scalar", DateTimeOffset.UnixEpoch);
        int headerEnd = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var random = new Random(20261201);
        int accepted = 0, rejected = 0;
        long worstAllocation = 0;
        for (int i = 0; i < 10_000; i++)
        {
            byte[] input = Mutate(file, headerEnd, random, i % 6);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Checkpoint.Parse(input, "fuzz");
                accepted++;
            }
            catch (CheckpointException)
            {
                rejected++;
            }

            worstAllocation = Math.Max(worstAllocation, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        TestContext.Out.WriteLine($"checkpoint fuzz: 10000 inputs, {accepted} accepted, {rejected} clean errors, 0 other exceptions; " +
                                  $"largest allocation for one input {worstAllocation} bytes (file {file.Length})");
        Assert.That(worstAllocation, Is.LessThan(64 * file.Length + (1 << 20)), "no input makes the parser allocate far beyond its size");
        Assert.That(rejected, Is.GreaterThan(9_000));
    }

    private static byte[] Mutate(byte[] file, int headerEnd, Random random, int kind)
    {
        byte[] b = (byte[])file.Clone();
        switch (kind)
        {
            case 0:
                return b[..random.Next(b.Length)];
            case 1:
                for (int n = random.Next(1, 8); n > 0; n--)
                {
                    b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                }

                return b;
            case 2:
                // A declared size of 10^9, negative or zero somewhere in the header or table, CRC fixed up.
                int at = random.Next(8, Math.Max(9, headerEnd - 4));
                int value = random.Next(3) switch { 0 => 1_000_000_000, 1 => -random.Next(1, 1000), _ => 0 };
                BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), value);
                return FixCrc(b);
            case 3:
                // Random bytes in the table, CRC fixed up: only the structural checks can reject these.
                for (int n = random.Next(1, 16); n > 0; n--)
                {
                    b[random.Next(8, headerEnd)] = (byte)random.Next(256);
                }

                return FixCrc(b);
            case 4:
                byte[] noise = new byte[random.Next(0, 4096)];
                random.NextBytes(noise);
                "OLRTCKPT"u8[..Math.Min(8, noise.Length)].CopyTo(noise);
                return noise.Length >= 4 ? FixCrc(noise) : noise;
            default:
                // Invalid UTF-8 in a string field.
                b[CheckpointFormat.FixedHeaderBytes + 2] = 0xC3;
                b[CheckpointFormat.FixedHeaderBytes + 3] = 0x28;
                return FixCrc(b);
        }
    }

    private static byte[] FixCrc(byte[] b)
    {
        var crc = new System.IO.Hashing.Crc32(System.IO.Hashing.Crc32ParameterSet.Crc32C);
        crc.Append(b.AsSpan(0, b.Length - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(b.Length - 4), crc.GetCurrentHashAsUInt32());
        return b;
    }
}
