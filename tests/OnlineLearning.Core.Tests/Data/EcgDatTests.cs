using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

public sealed class EcgDatTests
{
    [Test]
    public void One_second_slice_reads_as_npz_and_as_npy()
    {
        ushort[] fromZip = EcgDat.LoadRaw(Fixture.Path("ecg-1s.dat"));
        ushort[] bare = EcgDat.LoadRaw(Fixture.Path("ecg-1s.npy"));
        Assert.Multiple(() =>
        {
            Assert.That(fromZip, Has.Length.EqualTo(360));
            Assert.That(fromZip[..5], Is.EqualTo(new ushort[] { 975, 981, 987, 989, 990 }));
            Assert.That(bare, Is.EqualTo(fromZip));
        });
    }

    [Test]
    public void Millivolts_are_raw_minus_1024_over_200()
    {
        double[] mv = EcgDat.LoadMillivolts(Fixture.Path("ecg-1s.dat"));
        Assert.Multiple(() =>
        {
            Assert.That(mv[0], Is.EqualTo((975 - 1024) / 200.0));
            Assert.That(EcgDat.ToMillivolts(1224), Is.EqualTo(1.0));
        });
    }

    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", "expected little-endian uint16")]
    [TestCase("{'descr': '<u2', 'fortran_order': True, 'shape': (2,), }", "expected C order")]
    public void Other_dtypes_and_orders_are_errors(string header, string problem) =>
        Assert.That(() => EcgDat.ParseNpy("e.npy", Npy(header, 4)), Throws.TypeOf<DataFileException>().With.Message.Contains(problem));

    [Test]
    public void A_declared_shape_longer_than_the_data_is_an_error() =>
        Assert.That(() => EcgDat.ParseNpy("e.npy", Npy("{'descr': '<u2', 'fortran_order': False, 'shape': (1000000000,), }", 4)),
            Throws.TypeOf<DataFileException>().With.Message.Contains("the shape declares 1000000000 samples = 2000000000 bytes, the file has 4"));

    [Test]
    public void Two_dimensional_arrays_are_errors() =>
        Assert.That(() => EcgDat.ParseNpy("e.npy", Npy("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 1), }", 4)),
            Throws.TypeOf<DataFileException>().With.Message.Contains("expected a one-dimensional shape"));

    [Test]
    public void A_header_length_past_the_end_is_an_error()
    {
        byte[] npy = Npy("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", 4);
        BinaryPrimitives.WriteUInt16LittleEndian(npy.AsSpan(8), 60000);
        Assert.That(() => EcgDat.ParseNpy("e.npy", npy), Throws.TypeOf<DataFileException>().With.Message.Contains("the header declares 60000 bytes"));
    }

    [Test]
    public void Not_numpy_is_an_error() =>
        Assert.That(() => EcgDat.LoadRaw(Fixture.Write("e.dat", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])),
            Throws.TypeOf<DataFileException>().With.Message.Contains("not a NumPy .npy array"));

    [Test]
    public void Truncated_zip_is_an_error()
    {
        byte[] zip = Fixture.Bytes("ecg-1s.dat");
        Assert.That(() => EcgDat.LoadRaw(Fixture.Write("e.dat", zip[..(zip.Length / 2)])),
            Throws.TypeOf<DataFileException>().With.Message.Contains("damaged zip archive"));
    }

    [Test]
    public void An_archive_without_an_array_is_an_error()
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open());
            writer.Write("hello");
        }

        Assert.That(() => EcgDat.LoadRaw(Fixture.Write("e.dat", buffer.ToArray())),
            Throws.TypeOf<DataFileException>().With.Message.Contains("expected one .npy array in the archive, found 0"));
    }

    private static byte[] Npy(string header, int dataBytes)
    {
        byte[] text = Encoding.Latin1.GetBytes(header + "\n");
        var npy = new byte[10 + text.Length + dataBytes];
        npy[0] = 0x93;
        "NUMPY"u8.CopyTo(npy.AsSpan(1));
        npy[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(npy.AsSpan(8), (ushort)text.Length);
        text.CopyTo(npy, 10);
        return npy;
    }
}
