using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

public sealed class DigitsCsvTests
{
    [Test]
    public void First_rows_of_the_real_file_read_as_8x8_images_and_digits()
    {
        LabelledRows rows = DigitsCsv.Load(Fixture.Path("digits-head.csv"));
        Assert.Multiple(() =>
        {
            Assert.That(rows.Labels, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
            Assert.That(rows.Width, Is.EqualTo(64));
            Assert.That(rows.Features[0][2], Is.EqualTo(5 / 16.0)); // the file's first row starts 0,0,5,13
            Assert.That(rows.Features[0][3], Is.EqualTo(13 / 16.0));
        });
    }

    [Test]
    public void Wrong_width_names_the_line() =>
        Assert.That(() => DigitsCsv.Parse("d.csv", [string.Join(',', Enumerable.Repeat("0", 65)), "1,2,3"]),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("d.csv:2: expected 65 columns (64 pixels and the digit), found 3"));

    [TestCase("17", 1, "column 1: '17' is not an integer from 0 to 16")]
    [TestCase("x", 1, "column 1: 'x' is not an integer from 0 to 16")]
    [TestCase("10", 65, "column 65: '10' is not an integer from 0 to 9")]
    public void Values_out_of_range_are_errors(string cell, int column, string problem)
    {
        string[] cells = [.. Enumerable.Repeat("0", 65)];
        cells[column - 1] = cell;
        Assert.That(() => DigitsCsv.Parse("d.csv", [string.Join(',', cells)]),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo($"d.csv:1: {problem}"));
    }

    [Test]
    public void Empty_file_is_an_error() =>
        Assert.That(() => DigitsCsv.Parse("d.csv", ["", ""]),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("d.csv: no data rows: the file is empty"));
}
