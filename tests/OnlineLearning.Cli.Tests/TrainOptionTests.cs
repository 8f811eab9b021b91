using System.Text.Json;

namespace OnlineLearning.Cli.Tests;

/// <summary>
/// olrt train's report options, through the command line as a user runs it (OlrtCommand.Run): --cosine-every (the
/// per-layer gradient cosine to BPTT during training), --size (the copy task's size) and the majority-class baseline
/// in the result JSON. T-Randman and the copy task are generated, so no data cache is needed.
/// </summary>
public sealed class TrainOptionTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), "olrt-train-options-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Error) Olrt(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = OlrtCommand.Run(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    [TestCase("--task randman-t --cosine-every 0", "olrt train: --cosine-every must be at least 1, not 0")]
    [TestCase("--task randman-t --cosine-every -3", "olrt train: --cosine-every must be at least 1, not -3")]
    [TestCase("--task ecg --cosine-every 10", "olrt train: --cosine-every compares spiking rules with BPTT: not with --task ecg or copy")]
    [TestCase("--task randman-t --rule bptt --cosine-every 10", "olrt train: --cosine-every compares an online rule with BPTT: not with --rule bptt")]
    [TestCase("--task randman-t --size full", "olrt train: --size goes with --task copy")]
    [TestCase("--task copy --size huge", "olrt train: --size must be ci or full, not 'huge'")]
    public void A_bad_report_option_is_one_line_and_exit_2(string args, string expected)
    {
        var (code, output, error) = Olrt(["train", .. args.Split(' ')]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.StartWith(expected));
            Assert.That(error, Does.Not.Contain("Exception"));
            Assert.That(output, Is.Empty);
        });
    }

    [Test]
    public void A_cosine_every_value_that_is_not_a_number_is_a_parse_error()
    {
        var (code, _, error) = Olrt("train", "--task", "randman-t", "--cosine-every", "often");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error, Does.StartWith("olrt train: Cannot parse argument 'often' for option '--cosine-every'"));
        });
    }

    [TestCase("q")]
    [TestCase("f64")]
    public void Cosine_every_writes_a_per_layer_cosine_before_training_every_N_samples_and_at_the_end(string precision)
    {
        string file = Path.Combine(_dir, "t.json");
        var (code, _, error) = Olrt("train", "--task", "randman-t", "--rule", "otpe", "--precision", precision, "--subset", "25", "--test-subset", "10",
            "--cosine-every", "10", "--out", file);
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var root = json.RootElement;
        var points = root.GetProperty("cosine_curve").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            // Before training, after 10 and 20, and after the last (25) sample.
            Assert.That(points.Select(p => p.GetProperty("samples").GetInt64()), Is.EqualTo(new long[] { 0, 10, 20, 25 }));
            Assert.That(root.GetProperty("cosine_probes").GetInt32(), Is.EqualTo(4));
            foreach (var p in points)
            {
                // snn-randman: two hidden layers and a readout; a cosine is in [-1, 1].
                foreach (string layer in new[] { "layers[0]", "layers[1]", "readout", "model" })
                {
                    Assert.That(p.GetProperty(layer).GetDouble(), Is.InRange(-1.0, 1.0), layer);
                }
            }

            // OTPE's gradient into the last hidden layer is exact in float64 (seed 002; SnnAlignmentTests), so at
            // initialisation it must agree with BPTT there, while the first layer's is an approximation.
            Assert.That(points[0].GetProperty("layers[1]").GetDouble(), Is.GreaterThan(0.99));
            Assert.That(points[0].GetProperty("layers[0]").GetDouble(), Is.LessThan(0.999));
            // The model-wide cosine is a weighted sum of the layers' with weights |a_l||b_l| / (|a||b|), which sum to at
            // most 1 (Cauchy-Schwarz): it cannot exceed the best layer's (or 0).
            var first = new[] { "layers[0]", "layers[1]", "readout" }.Select(l => points[0].GetProperty(l).GetDouble()).ToArray();
            Assert.That(points[0].GetProperty("model").GetDouble(), Is.LessThanOrEqualTo(Math.Max(first.Max(), 0) + 1e-9));
            Assert.That(error, Does.Contain("cosine to BPTT after 0 samples: layers[0] "));
        });
    }

    [Test]
    public void The_result_names_the_majority_class_and_its_test_accuracy()
    {
        string file = Path.Combine(_dir, "m.json");
        var (code, output, error) = Olrt("train", "--task", "randman-t", "--subset", "30", "--test-subset", "50", "--out", file);
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var root = json.RootElement;
        int majority = root.GetProperty("majority_class").GetInt32();
        double accuracy = root.GetProperty("majority_accuracy").GetDouble();
        Assert.Multiple(() =>
        {
            Assert.That(majority, Is.InRange(0, 9));
            // A fraction of 50 test sequences, and the constant predictor cannot be right on every one of 10 classes.
            Assert.That(accuracy * 50, Is.EqualTo(Math.Round(accuracy * 50)).Within(1e-6));
            Assert.That(accuracy, Is.LessThan(1.0));
            Assert.That(output, Does.Contain("majority class "));
        });
    }

    [Test]
    public void The_copy_task_at_full_size_trains_the_papers_stack()
    {
        string file = Path.Combine(_dir, "c.json");
        var (code, output, error) = Olrt("train", "--task", "copy", "--size", "full", "--subset", "3", "--out", file);
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("model").GetString(), Does.StartWith("copy-full: 4 layers, N 64, H 128, pattern 20"));
            Assert.That(root.GetProperty("train_samples").GetInt32(), Is.EqualTo(3));
            // The full size's SGD default (olrt copy-task --size full), not the CI size's 2^-10.
            Assert.That(root.GetProperty("learning_rate").GetDouble(), Is.EqualTo(1.0 / 8192));
            Assert.That(double.IsFinite(root.GetProperty("final_loss").GetDouble()));
            Assert.That(output, Does.Contain("final training loss per recall step"));
        });
    }
}
