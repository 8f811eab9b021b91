using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Models;

public sealed class CsvSeriesTests
{
    [Test]
    public void Rows_are_steps_and_columns_are_channels_and_a_header_is_skipped()
    {
        var rows = CsvSeries.Parse("in.csv", ["a,b", "1,2.5", " -3e-1 , 4"], 2);
        Assert.That(rows, Is.EqualTo(new[] { new[] { 1.0, 2.5 }, new[] { -0.3, 4.0 } }));
    }

    [Test]
    public void Empty_file_is_an_error() =>
        Assert.That(() => CsvSeries.Parse("in.csv", [], 2),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("in.csv: no data rows: the file is empty"));

    [Test]
    public void Wrong_column_count_names_the_line() =>
        Assert.That(() => CsvSeries.Parse("in.csv", ["1,2", "3,4,5"], 2),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("in.csv:2: expected 2 columns (the model expects 2), found 3"));

    [Test]
    public void Ragged_file_without_expectation_names_the_line() =>
        Assert.That(() => CsvSeries.Parse("in.csv", ["1,2", "3"]),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("in.csv:2: expected 2 columns (the first row has 2), found 1"));

    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("-Infinity")]
    public void Non_finite_values_are_errors(string cell) =>
        Assert.That(() => CsvSeries.Parse("in.csv", ["1,2", $"3,{cell}"], 2),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo($"in.csv:2: column 2: '{cell}' is not a finite number"));

    [Test]
    public void Text_in_a_data_row_is_an_error() =>
        Assert.That(() => CsvSeries.Parse("in.csv", ["1,2", "3,x"], 2),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("in.csv:2: column 2: 'x' is not a number"));
}
