using System.Buffers.Binary;
using System.IO.Compression;
using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

/// <summary>
/// The fixtures tiny.rdata and tiny.rda (gzip) were written by Fixtures/make-fixtures.py, byte by byte, in R's
/// XDR serialisation: "RDX2\nX\n", version 2, then a pairlist of five variables: hr (double[4]), state
/// (int[4] with a names attribute holding an NA string), flags (logical[3] with NA), and again (int[1] whose
/// names attribute tag is a back-reference to the symbol "names"). Malformed variants are built here.
/// </summary>
public sealed class RDataTests
{
    [TestCase("tiny.rdata")]
    [TestCase("tiny.rda")]
    public void Tiny_file_reads_every_vector(string name)
    {
        RData data = RData.Load(Fixture.Path(name));
        Assert.Multiple(() =>
        {
            Assert.That(data.Names, Is.EqualTo(new[] { "hr", "state", "flags", "again" }));
            Assert.That(data.Numeric("hr"), Is.EqualTo(new[] { 120.5, 131.0, 99.25, 140.0 }));
            Assert.That(data.Integers("state"), Is.EqualTo(new[] { 1, 2, 4, 3 }));
            Assert.That(data.Numeric("state"), Is.EqualTo(new[] { 1.0, 2.0, 4.0, 3.0 }));
            Assert.That(data.Numeric("flags"), Is.EqualTo(new[] { 1.0, 0.0, double.NaN }));
            Assert.That(data.Integers("again"), Is.EqualTo(new[] { 5 }));
        });
    }

    [Test]
    public void Doubles_that_are_not_whole_numbers_are_not_integers() =>
        Assert.That(() => RData.Load(Fixture.Path("tiny.rdata")).Integers("hr"),
            Throws.TypeOf<DataFileException>().With.Message.Contains("'hr'[1] is 120.5, not a whole number"));

    [Test]
    public void NA_in_an_integer_vector_is_an_error() =>
        Assert.That(() => RData.Load(Fixture.Path("tiny.rdata")).Integers("flags"),
            Throws.TypeOf<DataFileException>().With.Message.Contains("'flags'[3] is NA"));

    [Test]
    public void Unknown_variable_lists_the_names() =>
        Assert.That(() => RData.Load(Fixture.Path("tiny.rdata")).Numeric("BabyECG"),
            Throws.TypeOf<DataFileException>().With.Message.Contains("no variable 'BabyECG'; the file has hr, state, flags, again"));

    [Test]
    public void A_billion_declared_doubles_are_refused_before_allocating()
    {
        byte[] bytes = Fixture.Bytes("tiny.rdata");
        int length = LengthOffsetOfHr(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(length), 1_000_000_000);
        string path = Fixture.Write("huge.rdata", bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(() => RData.Load(path), Throws.TypeOf<DataFileException>().With.Message.Contains("a vector of 1000000000 elements does not fit"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void A_long_vector_length_is_refused()
    {
        byte[] bytes = Fixture.Bytes("tiny.rdata");
        int length = LengthOffsetOfHr(bytes);
        byte[] patched = [.. bytes[..length], 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, .. bytes[length..]];
        Assert.That(() => RData.Parse("r.rdata", patched), Throws.TypeOf<DataFileException>().With.Message.Contains("does not fit"));
    }

    [Test]
    public void Every_truncation_is_an_error_with_an_offset()
    {
        byte[] bytes = Fixture.Bytes("tiny.rdata");
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            Assert.That(() => RData.Parse("r.rdata", bytes.AsSpan(0, cut)), Throws.TypeOf<DataFileException>().With.Property("Offset").GreaterThanOrEqualTo(0), $"cut at {cut}");
        }
    }

    [Test]
    public void Trailing_bytes_are_an_error() =>
        Assert.That(() => RData.Parse("r.rdata", [.. Fixture.Bytes("tiny.rdata"), 0]),
            Throws.TypeOf<DataFileException>().With.Message.Contains("1 bytes after the end of the data"));

    [Test]
    public void Deep_nesting_is_refused()
    {
        // A list holding a list holding a list ... (VECSXP of length 1), deeper than MaxDepth.
        var bytes = new List<byte>("RDX2\nX\n"u8.ToArray());
        Int(bytes, 2); Int(bytes, 0x040201); Int(bytes, 0x020300);
        Int(bytes, 2 | (1 << 10)); Int(bytes, 1); Int(bytes, 9); Int(bytes, 1); bytes.Add((byte)'x');
        for (int i = 0; i < RData.MaxDepth + 5; i++)
        {
            Int(bytes, 19);
            Int(bytes, 1);
        }

        Assert.That(() => RData.Parse("r.rdata", bytes.ToArray()), Throws.TypeOf<DataFileException>().With.Message.Contains("nested more than 64 deep"));
    }

    [TestCase(new byte[] { 0x42, 0x5A, 0x68, 0x39 }, "bzip2-compressed; decompress it first: bzip2 -dc")]
    [TestCase(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0 }, "xz-compressed")]
    [TestCase(new byte[] { 0x52, 0x44, 0x41, 0x32, 0x0A }, "not an R data file")]
    public void Other_formats_are_named(byte[] head, string problem) =>
        Assert.That(() => RData.Parse("r.rda", head), Throws.TypeOf<DataFileException>().With.Message.Contains(problem));

    [Test]
    public void Ascii_serialisation_is_refused() =>
        Assert.That(() => RData.Parse("r.rda", "RDX2\nA\n2\n"u8), Throws.TypeOf<DataFileException>().With.Message.Contains("only the XDR format"));

    [Test]
    public void Unsupported_types_are_named_with_their_offset()
    {
        byte[] bytes = Fixture.Bytes("tiny.rdata");
        int length = LengthOffsetOfHr(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(length - 4), 3); // a closure where hr's vector was
        Assert.That(() => RData.Parse("r.rdata", bytes), Throws.TypeOf<DataFileException>().With.Message.EqualTo(
            $"r.rdata: offset {length - 4}: R type 3 is not supported (only NULL, symbols, pairlists, logical, integer, double and character vectors, and lists)"));
    }

    [Test]
    public void Damaged_gzip_is_an_error()
    {
        byte[] gz = Fixture.Bytes("tiny.rda");
        Assert.That(() => RData.Load(Fixture.Write("r.rda", gz[..(gz.Length - 30)])), Throws.TypeOf<DataFileException>());
    }

    [Test]
    public void Gzip_that_expands_past_the_limit_is_refused_while_reading()
    {
        // 300 MB of zeros compress to about 300 kB.
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 300; i++)
            {
                gzip.Write(zeros);
            }
        }

        Assert.That(() => RData.Load(Fixture.Write("bomb.rda", buffer.ToArray())),
            Throws.TypeOf<DataFileException>().With.Message.Contains("expands to more than"));
    }

    // hr's REALSXP flags word follows the header (19 bytes), the pairlist flags (4), and the tag symbol "hr"
    // (SYMSXP 4 + CHARSXP 4 + length 4 + 2 bytes); its length follows the flags.
    private static int LengthOffsetOfHr(byte[] bytes)
    {
        int offset = 19 + 4 + 14 + 4;
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset - 4)), Is.EqualTo(14), "hr is a REALSXP");
        return offset;
    }

    private static void Int(List<byte> bytes, int value)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, value);
        bytes.AddRange(word);
    }
}
