using OnlineLearning.Core.Data;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Models;

public sealed class ModelFileTests
{
    private const string Snn = """
        {
          "type": "snn", "neuron": "snu", "decay": 0.8, "surrogate_slope": 25, "loss": "mse",
          "inputs": 2, "seed": 7,
          "layers": [
            { "size": 2, "W": [[0.5, -0.25], [1.0, 0.0]], "threshold": [0.3, 0.4] }
          ],
          "readout": { "size": 1, "W": [[2.0, -1.0]] }
        }
        """;

    [Test]
    public void Snn_file_with_every_key_is_read_as_written()
    {
        var spec = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("model.json", Snn));
        Assert.Multiple(() =>
        {
            Assert.That(spec.Neuron, Is.EqualTo(NeuronKind.Snu));
            Assert.That(spec.Decay, Is.EqualTo(0.8));
            Assert.That(spec.Inputs, Is.EqualTo(2));
            Assert.That(spec.Layers[0].W[0], Is.EqualTo(new[] { 0.5, -0.25 }));
            Assert.That(spec.Layers[0].Threshold, Is.EqualTo(new[] { 0.3, 0.4 }));
            Assert.That(spec.Readout!.W[0], Is.EqualTo(new[] { 2.0, -1.0 }));
            Assert.That(spec.Outputs, Is.EqualTo(1));
        });
    }

    [Test]
    public void Missing_weights_come_from_the_seed_and_the_same_seed_gives_the_same_model()
    {
        const string json = """{"type":"snn","neuron":"lif","inputs":6,"seed":3,"layers":[{"size":8}],"readout":{"size":3}}""";
        var a = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("a.json", json));
        var b = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("b.json", json));
        var c = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("c.json", json.Replace("\"seed\":3", "\"seed\":4", StringComparison.Ordinal)));
        Assert.Multiple(() =>
        {
            Assert.That(a.Layers[0].W, Has.Length.EqualTo(8));
            Assert.That(a.Layers[0].W[0], Has.Length.EqualTo(6));
            Assert.That(a.Readout!.W, Has.Length.EqualTo(3));
            Assert.That(a.Layers[0].W[5], Is.EqualTo(b.Layers[0].W[5]));
            Assert.That(a.Layers[0].W[5], Is.Not.EqualTo(c.Layers[0].W[5]));
            Assert.That(a.Layers[0].Threshold, Is.All.EqualTo(SnnSpec.DefaultThreshold));
        });
    }

    [Test]
    public void Weight_matrix_of_the_wrong_shape_is_reported_with_its_line()
    {
        string bad = Snn.Replace("[[0.5, -0.25], [1.0, 0.0]]", "[[0.5, -0.25]]", StringComparison.Ordinal);
        var e = Assert.Throws<DataFileException>(() => ModelSpec.Parse(JsonTree.ParseText("model.json", bad)));
        Assert.That(e!.Message, Is.EqualTo("model.json:5: layers[0].W has 1 rows, expected 2"));
    }

    [Test]
    public void Row_of_the_wrong_width_names_the_row()
    {
        string bad = Snn.Replace("[1.0, 0.0]]", "[1.0]]", StringComparison.Ordinal);
        var e = Assert.Throws<DataFileException>(() => ModelSpec.Parse(JsonTree.ParseText("model.json", bad)));
        Assert.That(e!.Message, Does.Contain("layers[0].W[1] has 1 values, expected 2"));
    }

    [TestCase("""{"type":"cnn"}""", "model.json:1: type must be \"snn\" or \"lru\", not \"cnn\"")]
    [TestCase("""{"type":"snn","layers":[]}""", "model.json:1: the document has no \"inputs\"")]
    [TestCase("""{"type":"snn","inputs":2.5,"layers":[]}""", "inputs must be a whole number")]
    [TestCase("""{"type":"snn","inputs":2,"decay":1.5,"layers":[{"size":1}]}""", "decay must be in [0, 1)")]
    [TestCase("""{"type":"snn","neuron":"izh","inputs":2,"layers":[{"size":1}]}""", "neuron must be \"snu\" or \"lif\"")]
    [TestCase("{\n\"type\": \"snn\",\n\"inputs\": 2,,\n}", "model.json:3: not valid JSON")]
    [TestCase("", "model.json: the file is empty")]
    public void Bad_model_files_say_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<DataFileException>(() => ModelSpec.Parse(JsonTree.ParseText("model.json", json)));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void Lru_file_sizes_follow_the_encoder_and_decoder()
    {
        const string json = """
            {"type":"lru","inputs":3,"outputs":2,"seed":1,"encoder":{"size":4},
             "layers":[{"N":5,"block":"lru-only"}],"decoder":{"size":2}}
            """;
        var spec = (LruSpec)ModelSpec.Parse(JsonTree.ParseText("lru.json", json));
        var layer = spec.Layers[0];
        Assert.Multiple(() =>
        {
            Assert.That(spec.Width, Is.EqualTo(4));
            Assert.That(layer.BRe, Has.Length.EqualTo(5));
            Assert.That(layer.BRe[0], Has.Length.EqualTo(4));
            Assert.That(layer.CIm, Has.Length.EqualTo(4));
            Assert.That(layer.CIm[0], Has.Length.EqualTo(5));
            Assert.That(Enumerable.Range(0, 5).Select(layer.Modulus), Is.All.InRange(0.9, 0.999));
        });
    }

    [Test]
    public void Lru_outputs_that_disagree_with_the_decoder_are_an_error()
    {
        const string json = """{"type":"lru","inputs":3,"outputs":7,"layers":[{"N":5}],"decoder":{"size":2}}""";
        var e = Assert.Throws<DataFileException>(() => ModelSpec.Parse(JsonTree.ParseText("lru.json", json)));
        Assert.That(e!.Message, Does.Contain("outputs is 7, but the decoder produces 2"));
    }
}
