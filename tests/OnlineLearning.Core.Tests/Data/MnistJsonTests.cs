using System.Text;
using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

public sealed class MnistJsonTests
{
    [Test]
    public void Fixture_holds_two_images_of_784_pixels_in_unit_range()
    {
        double[][] images = MnistJson.ParseDigitFile("7.json", Fixture.Bytes("mnist-7.json"));
        Assert.Multiple(() =>
        {
            Assert.That(images, Has.Length.EqualTo(2));
            Assert.That(images.All(static i => i.Length == MnistJson.Pixels), Is.True);
            Assert.That(images[1][1], Is.EqualTo(Math.Round(((785 * 7) % 256) / 255.0, 3)));
        });
    }

    [Test]
    public void Directory_of_ten_files_labels_by_file_name()
    {
        byte[] bytes = Fixture.Bytes("mnist-7.json");
        string directory = "";
        for (int digit = 0; digit < 10; digit++)
        {
            directory = Path.GetDirectoryName(Fixture.Write($"{digit}.json", bytes))!;
        }

        LabelledRows rows = MnistJson.LoadDirectory(directory, perDigitLimit: 1);
        Assert.Multiple(() =>
        {
            Assert.That(rows.Labels, Is.EqualTo(Enumerable.Range(0, 10).ToArray()));
            Assert.That(rows.Width, Is.EqualTo(784));
        });
    }

    [TestCase("{\"data\":[0.5", "not valid JSON")]
    [TestCase("[1,2]", "must be a JSON object")]
    [TestCase("{\"other\":1}", "no \"data\" array")]
    [TestCase("{\"data\":[]}", "holds no images")]
    [TestCase("{\"data\":[0.5,\"x\"]}", "value 2 of \"data\" is not a number")]
    [TestCase("{\"data\":[0.5,2]}", "value 2 of \"data\" is 2, outside [0, 1]")]
    [TestCase("{\"data\":[0.5,0.25]}", "has 2 values, not a whole number of 28x28 images")]
    [TestCase("{\"data\":[0.5,}", "not valid JSON")]
    public void Malformed_files_are_errors(string json, string problem) =>
        Assert.That(() => MnistJson.ParseDigitFile("d.json", Encoding.UTF8.GetBytes(json)),
            Throws.TypeOf<DataFileException>().With.Message.StartWith("d.json: ").And.Message.Contains(problem));
}
