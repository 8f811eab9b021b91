using System.Buffers.Binary;
using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

public sealed class IdxFileTests
{
    [Test]
    public void Tiny_fixture_reads_dimensions_items_and_labels()
    {
        IdxArray images = IdxFile.Read(Fixture.Path("tiny-images-idx3-ubyte"));
        Assert.Multiple(() =>
        {
            Assert.That(images.Dimensions, Is.EqualTo(new[] { 3, 4, 5 }));
            Assert.That(images.Count, Is.EqualTo(3));
            Assert.That(images.ItemSize, Is.EqualTo(20));
            Assert.That(images.Item(1)[0], Is.EqualTo((20 * 13) % 256));
        });

        LabelledRows rows = IdxFile.LoadImages(Fixture.Path("tiny-images-idx3-ubyte"), Fixture.Path("tiny-labels-idx1-ubyte"));
        Assert.Multiple(() =>
        {
            Assert.That(rows.Labels, Is.EqualTo(new[] { 7, 0, 9 }));
            Assert.That(rows.Width, Is.EqualTo(20));
            Assert.That(rows.Features[2][19], Is.EqualTo(((59 * 13) % 256) / 255.0));
            Assert.That(rows.Features.SelectMany(static r => r).All(static v => v is >= 0 and <= 1), Is.True);
        });
    }

    [Test]
    public void A_limit_keeps_the_first_items()
    {
        LabelledRows rows = IdxFile.LoadImages(Fixture.Path("tiny-images-idx3-ubyte"), Fixture.Path("tiny-labels-idx1-ubyte"), limit: 2);
        Assert.That(rows.Labels, Is.EqualTo(new[] { 7, 0 }));
    }

    [Test]
    public void A_billion_declared_images_are_refused_before_allocating()
    {
        byte[] bytes = Fixture.Bytes("tiny-images-idx3-ubyte");
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 1_000_000_000);
        string path = Fixture.Write("huge", bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(() => IdxFile.Read(path), Throws.TypeOf<DataFileException>().With.Message.EqualTo(
            $"{path}: offset 4: truncated or damaged: dimension 1 is 1000000000, so the header declares at least 1000000000 elements, more than the file's 76 bytes"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void Dimensions_whose_product_overflows_are_refused()
    {
        byte[] bytes = Fixture.Bytes("tiny-images-idx3-ubyte");
        for (int d = 0; d < 3; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), int.MaxValue);
        }

        Assert.That(() => IdxFile.Read(Fixture.Write("overflow", bytes)),
            Throws.TypeOf<DataFileException>().With.Message.Contains("more than the file's 76 bytes"));
    }

    [Test]
    public void Truncated_data_names_the_declared_and_actual_sizes()
    {
        byte[] bytes = Fixture.Bytes("tiny-images-idx3-ubyte")[..70];
        string path = Fixture.Write("short", bytes);
        Assert.That(() => IdxFile.Read(path), Throws.TypeOf<DataFileException>().With.Message.EqualTo(
            $"{path}: offset 70: truncated: the header declares 3x4x5 = 76 bytes, the file has 70"));
    }

    [Test]
    public void Truncated_header_is_an_error()
    {
        string path = Fixture.Write("header", Fixture.Bytes("tiny-images-idx3-ubyte")[..9]);
        Assert.That(() => IdxFile.Read(path), Throws.TypeOf<DataFileException>().With.Message.EqualTo($"{path}: offset 9: truncated: needed 12 bytes here, found 5"));
    }

    [Test]
    public void Trailing_bytes_are_an_error()
    {
        string path = Fixture.Write("long", [.. Fixture.Bytes("tiny-labels-idx1-ubyte"), 1, 2]);
        Assert.That(() => IdxFile.Read(path), Throws.TypeOf<DataFileException>().With.Message.EqualTo(
            $"{path}: offset 11: 2 bytes after the 3 elements the header declares"));
    }

    [TestCase(new byte[] { 1, 0, 8, 1 }, "not an IDX file")]
    [TestCase(new byte[] { 0, 0, 0x0D, 1 }, "element type 0x0D is not supported")]
    [TestCase(new byte[] { 0, 0, 8, 0 }, "0 dimensions")]
    [TestCase(new byte[] { 0, 0, 8, 9 }, "9 dimensions")]
    public void Bad_magic_is_an_error(byte[] magic, string problem)
    {
        string path = Fixture.Write("magic", [.. magic, 0, 0, 0, 1, 5]);
        Assert.That(() => IdxFile.Read(path), Throws.TypeOf<DataFileException>().With.Message.Contains(problem));
    }

    [Test]
    public void A_zero_dimension_is_an_error()
    {
        string path = Fixture.Write("zero", [0, 0, 8, 1, 0, 0, 0, 0]);
        Assert.That(() => IdxFile.Read(path), Throws.TypeOf<DataFileException>().With.Message.Contains("dimension 1 is 0"));
    }

    [Test]
    public void Images_and_labels_of_different_counts_are_an_error()
    {
        string labels = Fixture.Write("labels", [0, 0, 8, 1, 0, 0, 0, 2, 1, 2]);
        Assert.That(() => IdxFile.LoadImages(Fixture.Path("tiny-images-idx3-ubyte"), labels),
            Throws.TypeOf<DataFileException>().With.Message.Contains("2 labels for the 3 images"));
    }

    [Test]
    public void Missing_file_is_an_error() =>
        Assert.That(() => IdxFile.Read(Fixture.Path("absent")), Throws.TypeOf<DataFileException>().With.Message.EndsWith("absent: file not found"));
}
