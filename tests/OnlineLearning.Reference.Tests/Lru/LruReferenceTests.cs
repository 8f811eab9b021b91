using System.Numerics;
using OnlineLearning.Core.Models;
using OnlineLearning.Reference.Lru;

namespace OnlineLearning.Reference.Tests.Lru;

/// <summary>Hand-worked cases, the block keys of the model file, and bad input.</summary>
public class LruReferenceTests
{
    [Test]
    public void Forward_OneUnit_MatchesHandWorkedEquations()
    {
        // N = H = 1, no encoder or decoder: h_t = λ h_{t-1} + γ B x_t, y_t = Re(C h_t) + D x_t (seed 004 Eq. 8-11).
        const string json = """
            { "type": "lru", "inputs": 1, "layers": [ { "N": 1, "nu_log": [-1.0], "theta_log": [-0.5], "gamma_log": [-0.2],
              "B_re": [[0.7]], "B_im": [[-0.3]], "C_re": [[1.1]], "C_im": [[0.4]], "D": [0.25] } ] }
            """;
        var spec = LruSpec.FromJson(JsonTree.ParseText("toy.json", json));
        var lambda = Complex.Exp(new Complex(-Math.Exp(-1.0), Math.Exp(-0.5)));
        double gamma = Math.Exp(-0.2);
        var b = new Complex(0.7, -0.3);
        var c = new Complex(1.1, 0.4);
        double[] x = [1.0, -2.0, 0.5];
        var h = Complex.Zero;
        var output = LruReference.Forward(spec, x.Select(v => new[] { v }).ToArray());
        for (int t = 0; t < x.Length; t++)
        {
            h = (lambda * h) + (gamma * b * x[t]);
            double y = (c * h).Real + (0.25 * x[t]);
            Assert.That(output[t][0], Is.EqualTo(y).Within(1e-14), $"step {t}");
        }
    }

    [Test]
    public void Gradients_NamesAndShapes_FollowTheSpec()
    {
        var spec = LruModels.Stack(inputs: 3, width: 4, outputs: 2, ["glu:5", "lru-only:6"], seed: 1);
        var report = LruReference.Gradients(spec, LruModels.Noise(4, 3, 1), LruModels.Noise(4, 2, 2), LruRule.Online);
        string[] expected =
        [
            "encoder.W",
            "layers[0].nu_log", "layers[0].theta_log", "layers[0].gamma_log", "layers[0].B_re", "layers[0].B_im",
            "layers[0].C_re", "layers[0].C_im", "layers[0].D",
            "layers[0].W1", "layers[0].b1", "layers[0].W2", "layers[0].b2", "layers[0].norm_gain", "layers[0].norm_bias",
            "layers[1].nu_log", "layers[1].theta_log", "layers[1].gamma_log", "layers[1].B_re", "layers[1].B_im",
            "layers[1].C_re", "layers[1].C_im", "layers[1].D",
            "decoder.W",
        ];
        Assert.That(report.Gradients.Select(g => g.Name), Is.EqualTo(expected));
        Assert.That(report["encoder.W"].Shape, Is.EqualTo(new[] { 4, 3 }));
        Assert.That(report["layers[0].B_re"].Shape, Is.EqualTo(new[] { 5, 4 }));
        Assert.That(report["layers[1].C_im"].Shape, Is.EqualTo(new[] { 4, 6 }));
        Assert.That(report["layers[0].W2"].Shape, Is.EqualTo(new[] { 4, 4 }));
        Assert.That(report["layers[0].norm_gain"].Shape, Is.EqualTo(new[] { 4 }));
        Assert.That(report["decoder.W"].Shape, Is.EqualTo(new[] { 2, 4 }));
    }

    [Test]
    public void BlockKeys_AreReadFromTheModelFile_AndBareLayersHaveNone()
    {
        const string json = """
            { "type": "lru", "inputs": 2, "seed": 3, "layers": [ { "N": 2, "block": "glu",
              "W1": [[1, 2], [3, 4]], "b1": [0.1, 0.2], "norm_gain": [2, 3] } ] }
            """;
        var layer = LruSpec.FromJson(JsonTree.ParseText("glu.json", json)).Layers[0];
        Assert.That(layer.W1, Is.EqualTo(new[] { new double[] { 1, 2 }, new double[] { 3, 4 } }));
        Assert.That(layer.B1, Is.EqualTo(new[] { 0.1, 0.2 }));
        Assert.That(layer.NormGain, Is.EqualTo(new double[] { 2, 3 }));
        Assert.That(layer.NormBias, Is.EqualTo(new double[] { 0, 0 }), "seeded bias");
        Assert.That(layer.W2!.SelectMany(r => r), Has.Some.Not.EqualTo(0), "seeded W2");

        var bare = LruModels.Stack(2, 0, 0, ["lru-only:3"], seed: 3);
        Assert.That(bare.Layers[0].W1, Is.Null);
    }

    [Test]
    public void BadSizes_ThrowArgumentException()
    {
        var spec = LruModels.Stack(inputs: 3, width: 4, outputs: 2, ["glu:5"], seed: 1);
        var input = LruModels.Noise(5, 3, 1);
        var target = LruModels.Noise(5, 2, 2);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => LruReference.Forward(spec, LruModels.Noise(5, 2, 1)), "input width");
            Assert.Throws<ArgumentException>(() => LruReference.Forward(spec, []), "empty sequence");
            Assert.Throws<ArgumentException>(() => LruReference.Gradients(spec, input, LruModels.Noise(4, 2, 2), LruRule.Bptt), "target length");
            Assert.Throws<ArgumentException>(() => LruReference.Gradients(spec, input, LruModels.Noise(5, 3, 2), LruRule.Online), "target width");
            Assert.Throws<ArgumentException>(() => LruReference.Gradients(spec, [input[0], [1.0], input[2]], target, LruRule.Spatial), "ragged input");
            Assert.Throws<ArgumentNullException>(() => LruReference.Gradients(spec, null!, target, LruRule.Bptt), "null input");
            Assert.Throws<ArgumentOutOfRangeException>(() => LruReference.Gradients(spec, input, target, (LruRule)99), "unknown rule");
        });
    }
}
