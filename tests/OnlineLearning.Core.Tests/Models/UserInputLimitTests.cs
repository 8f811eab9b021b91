using System.Text;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Models;

/// <summary>
/// The named cases of the fuzz issue: each is a clean <see cref="DataFileException"/> naming the file, the line,
/// the key, the value and the allowed range (or an accepted file), never another exception.
/// </summary>
public sealed class UserInputLimitTests
{
    private static DataFileException Fails(string json) =>
        Assert.Throws<DataFileException>(() => ModelSpec.Parse(JsonTree.ParseText("model.json", json)))!;

    private static DataFileException FailsBytes(byte[] utf8) =>
        Assert.Throws<DataFileException>(() => ModelSpec.Parse(JsonTree.Parse("model.json", utf8)))!;

    [TestCase("""{"type":"\ud800"}""")]
    [TestCase("""{"type":"\udc00x"}""")]
    [TestCase("""{"type":"snn","\ud800":1}""")]
    public void Unpaired_surrogate_escapes_are_a_clean_error(string json) =>
        Assert.That(Fails(json).Message, Does.StartWith("model.json:1: not valid JSON: a string holds invalid UTF-8 or an unpaired surrogate"));

    [Test]
    public void Invalid_utf8_in_a_string_is_a_clean_error()
    {
        byte[] bytes = [.. "{\"type\":\""u8, 0xFF, 0xC0, .. "\"}"u8];
        Assert.That(FailsBytes(bytes).Message, Does.Contain("not valid JSON"));
    }

    [TestCase("1e400")]
    [TestCase("-1e400")]
    [TestCase("1e999999")]
    public void Non_finite_literals_are_rejected_with_their_key(string literal) =>
        Assert.That(Fails($$"""{"type":"snn","inputs":2,"decay":{{literal}},"layers":[{"size":1}]}""").Message,
            Is.EqualTo($"model.json:1: decay: {literal} is not a finite number (beyond ±1.8e308)"));

    [Test]
    public void Non_finite_literal_inside_a_matrix_names_the_element()
    {
        string json = "{\"type\":\"snn\",\"inputs\":2,\n\"layers\":[{\"size\":1,\n\"W\":[[1,\n1e400]]}]}";
        Assert.That(Fails(json).Message, Is.EqualTo("model.json:4: layers[0].W[0][1]: 1e400 is not a finite number (beyond ±1.8e308)"));
    }

    [TestCase("NaN")]
    [TestCase("Infinity")]
    public void Named_non_finite_literals_are_not_json(string literal) =>
        Assert.That(Fails($$"""{"type":"snn","inputs":2,"decay":{{literal}},"layers":[{"size":1}]}""").Message, Does.Contain("not valid JSON"));

    [TestCase(""" "readout_leak":-1 """, "readout_leak must be in [0, 1), not -1")]
    [TestCase(""" "readout_leak":1 """, "readout_leak must be in [0, 1), not 1")]
    [TestCase(""" "decay":-0.1 """, "decay must be in [0, 1), not -0.1")]
    [TestCase(""" "surrogate_slope":0 """, "surrogate_slope must be in (0, 10000], not 0")]
    [TestCase(""" "surrogate_slope":1e5 """, "surrogate_slope must be in (0, 10000], not 100000")]
    [TestCase(""" "warmup":-1 """, "warmup must be a whole number in [0, 2147483647], not -1")]
    [TestCase(""" "seed":1e10 """, "seed must be a whole number in [-2147483648, 2147483647], not 10000000000")]
    public void Snn_scalar_keys_are_range_checked(string key, string expected) =>
        Assert.That(Fails($$"""{"type":"snn","inputs":2,"layers":[{"size":2}],"readout":{"size":1},{{key}}}""").Message,
            Is.EqualTo($"model.json:1: {expected}"));

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("1000000000")]
    [TestCase("1e400")]
    public void Declared_input_counts_are_range_checked(string inputs) =>
        Assert.That(Fails($$"""{"type":"snn","inputs":{{inputs}},"layers":[{"size":2}]}""").Message,
            inputs == "1e400" ? Does.Contain("not a finite number") : Is.EqualTo($"model.json:1: inputs must be a whole number in [1, 1048576], not {inputs}"));

    [TestCase("""{"size":0}""", "layers[0].size must be a whole number in [1, 1048576], not 0")]
    [TestCase("""{"size":2,"threshold":[0.5,0]}""", "layers[0].threshold[1] must be in (0, 1000000], not 0")]
    [TestCase("""{"size":2,"threshold":[0.5,-1]}""", "layers[0].threshold[1] must be in (0, 1000000], not -1")]
    [TestCase("""{"size":1,"W":[[1,2e6]]}""", "layers[0].W[0][1] must be in [-1000000, 1000000], not 2000000")]
    public void Snn_layer_keys_are_range_checked(string layer, string expected) =>
        Assert.That(Fails($$"""{"type":"snn","inputs":2,"layers":[{{layer}}]}""").Message, Is.EqualTo($"model.json:1: {expected}"));

    [TestCase(""" "nu_log":[710,0] """, "layers[0].nu_log[0] must be in [-30, 10], not 710")]
    [TestCase(""" "theta_log":[0,-31] """, "layers[0].theta_log[1] must be in [-30, 10], not -31")]
    [TestCase(""" "gamma_log":[11,0] """, "layers[0].gamma_log[0] must be in [-30, 10], not 11")]
    [TestCase(""" "D":[0,0,1e7] """, "layers[0].D[2] must be in [-1000000, 1000000], not 10000000")]
    [TestCase(""" "r_max":1 """, "layers[0].r_max must be in [0, 0.999999], not 1")]
    [TestCase(""" "r_min":0.5,"r_max":0.4 """, "the ring must satisfy 0 <= r_min <= r_max <= 0.999999, not [0.5, 0.4]")]
    [TestCase(""" "N":0 """, "layers[0].N must be a whole number in [1, 65536], not 0")]
    [TestCase(""" "N":65537 """, "layers[0].N must be a whole number in [1, 65536], not 65537")]
    public void Lru_layer_keys_are_range_checked(string key, string expected)
    {
        string layer = key.Contains("\"N\"", StringComparison.Ordinal) ? $"{{{key}}}" : $"{{\"N\":2,{key}}}";
        Assert.That(Fails($$"""{"type":"lru","inputs":3,"layers":[{{layer}}]}""").Message, Does.EndWith(expected));
    }

    [Test]
    public void A_model_over_the_arena_budget_is_refused_before_anything_is_allocated()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails("""{"type":"snn","inputs":1048576,"layers":[{"size":1048576}]}""");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Is.EqualTo(
                "model.json:1: the model needs about 16 TiB of arena, over the 256 MiB limit " +
                "(largest tensor: layers[0].W is 1048576 x 1048576 values, about 16 TiB)"));
            Assert.That(allocated, Is.LessThan(1 << 20));
        });
    }

    [Test]
    public void Lru_budget_names_the_largest_tensor()
    {
        var e = Fails("""{"type":"lru","inputs":4,"encoder":{"size":65536},"layers":[{"N":65536}]}""");
        Assert.That(e.Message, Does.Contain("over the 256 MiB limit (largest tensor: layers[0].B_re and B_im is 131072 x 65536 values"));
    }

    [Test]
    public void A_model_just_under_the_budget_is_accepted()
    {
        // 2048 x 2048 weights: about 64 MiB of arena by the estimate.
        var spec = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("model.json", """{"type":"snn","inputs":2048,"layers":[{"size":2048}]}"""));
        Assert.That(spec.Layers[0].W, Has.Length.EqualTo(2048));
    }

    [TestCase(33)]
    [TestCase(100_000)]
    public void Deep_nesting_is_a_clean_error(int depth)
    {
        string json = "{\"type\":" + new string('[', depth) + new string(']', depth) + "}";
        Assert.That(Fails(json).Message, Is.EqualTo($"model.json:1: nested more than {JsonTree.MaxDepth} levels deep"));
    }

    [Test]
    public void Echoed_user_values_are_cut_to_60_characters()
    {
        string huge = new('x', 3_000_000);
        var e = Fails($$"""{"type":"{{huge}}"}""");
        Assert.That(e.Message, Is.EqualTo($"model.json:1: type must be \"snn\" or \"lru\", not \"{new string('x', 60)}…\""));
    }

    [Test]
    public void Echo_escapes_control_characters_and_keeps_surrogate_pairs_whole()
    {
        Assert.Multiple(() =>
        {
            Assert.That(UserText.Echo("a\nb"), Is.EqualTo("a\\u000ab"));
            Assert.That(UserText.Echo(new string('y', 59) + "😀z"), Is.EqualTo(new string('y', 59) + "…"));
            Assert.That(UserText.Echo("short"), Is.EqualTo("short"));
        });
    }

    [Test]
    public void A_duplicated_huge_key_is_cut_in_the_message()
    {
        string key = new('k', 1000);
        var e = Fails($$"""{"{{key}}":1,"{{key}}":2}""");
        Assert.That(e.Message.Length, Is.LessThan(120));
    }

    [Test]
    public void Oversized_and_unreadable_files_are_clean_errors()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"olrt-limits-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            string big = Path.Combine(dir, "big.json");
            using (var f = new FileStream(big, FileMode.Create))
            {
                f.SetLength(2L << 30);          // sparse: 2 GiB without writing it
            }

            string bigCsv = Path.Combine(dir, "big.csv");
            File.Move(big, bigCsv);
            using (var f = new FileStream(big, FileMode.Create))
            {
                f.SetLength(DataFiles.MaxModelBytes + 1);
            }

            Assert.Multiple(() =>
            {
                Assert.That(() => ModelSpec.Load(big), Throws.TypeOf<DataFileException>().With.Message.EqualTo(
                    $"{big}: is 64 MiB, over the 64 MiB limit for this kind of file"));
                Assert.That(() => CsvSeries.Load(bigCsv), Throws.TypeOf<DataFileException>().With.Message.EqualTo(
                    $"{bigCsv}: is 2 GiB, over the 256 MiB limit for this kind of file"));
                Assert.That(() => ModelSpec.Load(dir), Throws.TypeOf<DataFileException>().With.Message.EqualTo($"{dir}: is a directory, not a file"));
                Assert.That(() => CsvSeries.Load(dir), Throws.TypeOf<DataFileException>().With.Message.EqualTo($"{dir}: is a directory, not a file"));
                Assert.That(() => CsvSeries.Load(Path.Combine(dir, "missing.csv")), Throws.TypeOf<DataFileException>().With.Message.EndsWith("file not found"));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Csv_values_beyond_double_and_huge_cells_are_clean_errors()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => CsvSeries.Parse("in.csv", ["1,1e309"], 2),
                Throws.TypeOf<DataFileException>().With.Message.EqualTo("in.csv:1: column 2: '1e309' is not a finite number"));
            Assert.That(() => CsvSeries.Parse("in.csv", ["1,2", "1," + new string('z', 3_000_000)], 2),
                Throws.TypeOf<DataFileException>().With.Message.EqualTo($"in.csv:2: column 2: '{new string('z', 60)}…' is not a number"));
            Assert.That(CsvSeries.ParseUtf8("in.csv", Encoding.UTF8.GetBytes("\uFEFF1,2\r\n3,4\r\n"), 2), Has.Length.EqualTo(2));
            Assert.That(() => CsvSeries.ParseUtf8("in.csv", [.. "1,"u8, 0xFF, .. "\n"u8], 2),
                Throws.TypeOf<DataFileException>().With.Message.Contains("is not a number"));
        });
    }

    [Test]
    public void Gradient_report_names_the_first_non_finite_value_and_writes_saturations()
    {
        var report = new GradientReport { Loss = 1 };
        report.Add("layers[0].W", [[1.0, 2.0], [3.0, double.PositiveInfinity]]);
        report.AddSaturations([("input", 3), ("layers[0].v", 0), ("input", 2)]);
        Assert.Multiple(() =>
        {
            Assert.That(report.FirstNonFinite(), Is.EqualTo("the gradient layers[0].W[1][1] is Infinity"));
            Assert.That(report.Saturations, Is.EqualTo(new[] { ("input", 5L) }));
            Assert.That(new GradientReport { Loss = double.NaN }.FirstNonFinite(), Is.EqualTo("loss is NaN"));
        });
        report = new GradientReport { Loss = 1 };
        report.AddSaturations([("input", 4)]);
        Assert.That(report.ToJson(indented: false), Is.EqualTo("""{"loss":1,"gradients":{},"saturations":{"input":4}}"""));
    }

    [Test]
    public void Fixed_point_grads_report_saturated_inputs()
    {
        var spec = (SnnSpec)ModelSpec.Parse(JsonTree.ParseText("model.json", """{"type":"snn","inputs":2,"layers":[{"size":2}],"readout":{"size":1}}"""));
        double[][] input = [[100, 0], [0.5, -40], [1, 1]];
        double[][] target = [[0], [0], [0]];
        var report = Reference.GradientCheck.Run(spec, input, target, "ostl", Reference.GradientPrecision.Q);
        Assert.That(report.Saturations, Does.Contain(("input", 2L)));
        Assert.That(report.ToJson(), Does.Contain("\"saturations\""));
        var f64 = Reference.GradientCheck.Run(spec, input, target, "ostl", Reference.GradientPrecision.F64);
        Assert.That(f64.ToJson(), Does.Not.Contain("saturations"));
    }
}
