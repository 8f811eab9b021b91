using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

public sealed class CsvDatasetTests
{
    private static readonly CsvDatasetOptions ByName = new() { Label = "activity" };

    [Test]
    public void Static_rows_with_a_named_text_label()
    {
        CsvDataset data = CsvDataset.Parse("r.csv", ["ax,ay,activity", "0.5,1,walk", "# a comment", "", "-2,3e-1,sit", "1,1,walk"], ByName);
        Assert.Multiple(() =>
        {
            Assert.That(data.FeatureNames, Is.EqualTo(new[] { "ax", "ay" }));
            Assert.That(data.ClassNames, Is.EqualTo(new[] { "sit", "walk" }));
            Assert.That(data.Rows.Features, Is.EqualTo(new[] { new[] { 0.5, 1.0 }, new[] { -2.0, 0.3 }, new[] { 1.0, 1.0 } }));
            Assert.That(data.Rows.Labels, Is.EqualTo(new[] { 1, 0, 1 }));
            Assert.That(data.IsSequential, Is.False);
            Assert.That(data.Sequences, Is.Empty);
        });
    }

    [Test]
    public void Integer_labels_by_column_number_without_a_header()
    {
        CsvDataset data = CsvDataset.Parse("r.csv", ["3,0.1,0.2", "0,0.3,0.4"], new CsvDatasetOptions { Label = "1" });
        Assert.Multiple(() =>
        {
            Assert.That(data.Rows.Labels, Is.EqualTo(new[] { 3, 0 }));
            Assert.That(data.ClassNames, Is.EqualTo(new[] { "0", "1", "2", "3" }));
            Assert.That(data.FeatureNames, Is.EqualTo(new[] { "column 2", "column 3" }));
            Assert.That(data.Rows.Features[1], Is.EqualTo(new[] { 0.3, 0.4 }));
        });
    }

    [Test]
    public void A_sequence_id_groups_consecutive_rows_with_a_label_per_step()
    {
        string[] lines = ["recording;x;state", "a;1;0", "a;2;1", "b;3;1", "b;4;1", "b;5;0"];
        CsvDataset data = CsvDataset.Parse("r.csv", lines, new CsvDatasetOptions { Label = "state", SequenceId = "recording", Delimiter = ';' });
        Assert.Multiple(() =>
        {
            Assert.That(data.IsSequential, Is.True);
            Assert.That(data.Sequences.Select(static s => s.Id), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(data.Sequences[1].Steps, Is.EqualTo(new[] { new[] { 3.0 }, new[] { 4.0 }, new[] { 5.0 } }));
            Assert.That(data.Sequences[1].Labels, Is.EqualTo(new[] { 1, 1, 0 }));
            Assert.That(data.Rows.Count, Is.EqualTo(5));
        });
    }

    [Test]
    public void Names_match_without_case_when_unambiguous()
    {
        CsvDataset data = CsvDataset.Parse("r.csv", ["X,Label", "1,0"], new CsvDatasetOptions { Label = "label" });
        Assert.That(data.Rows.Labels, Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void A_test_file_uses_the_training_classes()
    {
        string train = Fixture.WriteText("train.csv", "x,y\n1,cat\n2,dog\n");
        string test = Fixture.WriteText("test.csv", "x,y\n3,dog\n");
        (CsvDataset training, CsvDataset testing) = CsvDataset.Load(train, test, new CsvDatasetOptions { Label = "y" });
        Assert.Multiple(() =>
        {
            Assert.That(training.Rows.Labels, Is.EqualTo(new[] { 0, 1 }));
            Assert.That(testing.Rows.Labels, Is.EqualTo(new[] { 1 }));
            Assert.That(testing.ClassNames, Is.EqualTo(training.ClassNames));
        });

        string unknown = Fixture.WriteText("unknown.csv", "x,y\n3,cow\n");
        Assert.That(() => CsvDataset.Load(train, unknown, new CsvDatasetOptions { Label = "y" }),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo($"{unknown}:2: label 'cow' is not a class of the training file (cat, dog)"));
        string other = Fixture.WriteText("other.csv", "z,y\n3,cat\n");
        Assert.That(() => CsvDataset.Load(train, other, new CsvDatasetOptions { Label = "y" }),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo($"{other}:1: the features (z) differ from the training file's (x)"));
    }

    [TestCase(new[] { "ax,ay,activity", "1,2,walk" }, "missing", "r.csv:1: no label column 'missing'; the header has: ax, ay, activity")]
    [TestCase(new[] { "1,2,0" }, "7", "r.csv:1: label column 7 does not exist: the file has 3 columns")]
    [TestCase(new[] { "1,2,0" }, "activity", "r.csv:1: no label column 'activity': the first row holds numbers, not column names; give the column's number instead")]
    [TestCase(new[] { "ax,ay,activity", "1,x,walk" }, "activity", "r.csv:2: column 2 (ay): 'x' is not a number")]
    [TestCase(new[] { "ax,ay,activity", "1,NaN,walk" }, "activity", "r.csv:2: column 2 (ay): 'NaN' is not a finite number")]
    [TestCase(new[] { "ax,ay,activity", "1,2,walk", "1,walk" }, "activity", "r.csv:3: expected 3 columns (the header has 3), found 2")]
    [TestCase(new[] { "1,2,0", "1,2" }, "3", "r.csv:2: expected 3 columns (the first row has 3), found 2")]
    [TestCase(new[] { "ax,ay,activity", "1,2," }, "activity", "r.csv:2: column 3 (activity): the label is empty")]
    [TestCase(new[] { "ax,ay,activity" }, "activity", "r.csv: no data rows: the file has only a header")]
    [TestCase(new[] { "", "# nothing" }, "activity", "r.csv: no data rows: the file is empty")]
    [TestCase(new[] { "activity", "walk" }, "activity", "r.csv:1: no feature columns: every column is the label or the sequence id")]
    public void Bad_files_name_the_line_and_the_column(string[] lines, string label, string message) =>
        Assert.That(() => CsvDataset.Parse("r.csv", lines, new CsvDatasetOptions { Label = label }),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo(message));

    [Test]
    public void A_sequence_split_by_other_rows_is_an_error() =>
        Assert.That(() => CsvDataset.Parse("r.csv", ["id,x,y", "a,1,0", "b,2,0", "a,3,0"], new CsvDatasetOptions { Label = "y", SequenceId = "id" }),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo(
                "r.csv:4: sequence 'a' continues after other rows (it ended at line 2); the rows of a sequence must be together"));

    [Test]
    public void Label_and_sequence_id_in_one_column_is_an_error() =>
        Assert.That(() => CsvDataset.Parse("r.csv", ["id,x", "a,1"], new CsvDatasetOptions { Label = "id", SequenceId = "1" }),
            Throws.TypeOf<DataFileException>().With.Message.EqualTo("r.csv:1: the label and sequence-id columns are the same column"));

    [Test]
    public void A_missing_file_is_an_error() =>
        Assert.That(() => CsvDataset.Load(Fixture.Path("absent.csv"), ByName),
            Throws.TypeOf<DataFileException>().With.Message.EndsWith("absent.csv: file not found"));
}
