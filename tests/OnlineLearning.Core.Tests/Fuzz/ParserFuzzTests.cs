using System.Text;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Core.Tests.Fuzz;

/// <summary>
/// Seeded fuzz of the model-file and CSV parsers: at least 10,000 malformed inputs each must end in a value or a
/// clean error (<see cref="DataFileException"/>, or <see cref="ArgumentException"/> as olrt maps it), within the
/// per-input time and allocation budgets of <see cref="SeededFuzzer"/>. The counts go to the test output.
/// </summary>
[Category("Fuzz")]
public sealed class ParserFuzzTests
{
    private const int Mutants = 12_000;

    private static readonly string[] ModelCorpus =
    [
        """
        {
          "type": "snn", "neuron": "lif", "decay": 0.8, "surrogate_slope": 25, "loss": "mse", "inputs": 6, "seed": 1,
          "layers": [ { "size": 4, "W": [[0.5, -0.25, 0.1, 0, 1, 2], [1.0, 0.0, 0.3, 0.2, 0.1, 0],
                        [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [-1, -2, 3, 0.25, 0.125, 1e-3]], "threshold": [0.3, 0.4, 0.5, 0.6] } ],
          "readout": { "size": 3, "W": [[2.0, -1.0, 0, 1], [1, 1, 1, 1], [0.5, 0.25, 0.125, 0]] }
        }
        """,
        """
        {"type":"snn","neuron":"snu","loss":"ce","readout_leak":0.9,"warmup":2,"inputs":3,"seed":7,
         // comments are allowed
         "layers":[{"size":3,"threshold":[0.5,0.6,0.4]},{"size":2}],"readout":{"size":2},}
        """,
        """
        {"type":"lru","inputs":3,"outputs":2,"loss":"mse","seed":1,"r_min":0.5,"r_max":0.9,
         "encoder":{"size":4},
         "layers":[{"N":3,"block":"lru-only","nu_log":[-2,-1,0],"theta_log":[-1,0,1],"gamma_log":[-0.5,-0.2,-0.1],
                    "D":[0.1,0.2,0.3,0.4]},
                   {"N":2,"block":"glu","r_min":0.1,"r_max":0.2,"b1":[0,0,0,0],"norm_gain":[1,1,1,1]}],
         "decoder":{"size":2,"W":[[1,0,0,0],[0,1,0,0]]}}
        """,
        """
        {"type":"lru","inputs":2,"loss":"ce","layers":[{"N":2,"block":"mlp","B_re":[[1,0],[0,1]],"B_im":[[0,0],[0,0]],
         "C_re":[[1,0],[0,1]],"C_im":[[0,0],[0,0]],"W1":[[1,0],[0,1]],"W2":[[1,0],[0,1]],"b2":[0,0],"norm_bias":[0,0]}]}
        """,
    ];

    private static readonly string[] CsvCorpus =
    [
        "in0,in1,in2,in3,in4,in5\n1,0,0,0,0,1\n0,1,0,0,1,0\n0.5,-0.25,1e-3,3,4,5\n",
        "# a comment\n\n1,2\n3,4\n  5 , 6  \r\n7,8\n",
        "\uFEFFa,b,c\n1.5,2.5,3.5\n-1e10,2E-5,+3\n",
        "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n",
    ];

    [Test]
    public void Model_parser_survives_seeded_malformed_files()
    {
        var fuzzer = new SeededFuzzer(20240611, ["size", "inputs", "N", "outputs", "warmup", "seed"]);
        var report = fuzzer.Run("model.json", Utf8(ModelCorpus), Mutants,
            input => ModelSpec.Parse(JsonTree.Parse("fuzz.json", input)),
            e => e is DataFileException or ArgumentException,
            TimeSpan.FromSeconds(120));
        TestContext.Out.WriteLine(report.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(report.Failures, Is.Empty, string.Join('\n', report.Failures.Take(10)));
            Assert.That(report.Inputs, Is.GreaterThanOrEqualTo(10_000));
            Assert.That(report.Accepted, Is.GreaterThan(0), "some mutants should still be valid models");
            Assert.That(report.CleanErrors, Is.GreaterThan(report.Inputs / 2));
        });
    }

    [TestCase(null)]
    [TestCase(6)]
    public void Csv_parser_survives_seeded_malformed_files(int? expectedColumns)
    {
        var fuzzer = new SeededFuzzer(expectedColumns ?? 0x5eed);
        var report = fuzzer.Run($"csv (expected columns: {expectedColumns?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"})",
            Utf8(CsvCorpus), Mutants,
            input => CsvSeries.ParseUtf8("fuzz.csv", input, expectedColumns),
            e => e is DataFileException or ArgumentException,
            TimeSpan.FromSeconds(120));
        TestContext.Out.WriteLine(report.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(report.Failures, Is.Empty, string.Join('\n', report.Failures.Take(10)));
            Assert.That(report.Inputs, Is.GreaterThanOrEqualTo(10_000));
            Assert.That(report.Accepted, Is.GreaterThan(0));
            Assert.That(report.CleanErrors, Is.GreaterThan(0));
        });
    }

    [Test]
    public void The_fuzzer_is_reproducible_from_its_seed()
    {
        var a = new SeededFuzzer(5);
        var b = new SeededFuzzer(5);
        byte[] input = Encoding.UTF8.GetBytes(ModelCorpus[0]);
        for (int i = 0; i < 50; i++)
        {
            Assert.That(a.Mutate(input, out string ma), Is.EqualTo(b.Mutate(input, out string mb)));
            Assert.That(ma, Is.EqualTo(mb));
        }
    }

    [Test]
    public void The_runner_reports_other_exceptions_slow_inputs_and_large_allocations_as_failures()
    {
        var fuzzer = new SeededFuzzer(1) { PerInputBudget = TimeSpan.FromMilliseconds(500), AllocationAllowance = 1 << 20, AllocationPerInputByte = 0 };
        byte[][] corpus = [[1, 2, 3]];
        int calls = 0;
        var report = fuzzer.Run("runner self-test", corpus, 3, input =>
        {
            switch (calls++)
            {
                case 0: throw new DataFileException("f", 1, "clean");
                case 1: throw new InvalidOperationException("not clean");
                case 2: Thread.Sleep(1200); break;
                case 3: GC.KeepAlive(new byte[4 << 20]); break;
                default: break;
            }
        }, e => e is DataFileException, TimeSpan.FromSeconds(30));
        TestContext.Out.WriteLine(report.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(report.Inputs, Is.EqualTo(7));
            Assert.That(report.CleanErrors, Is.EqualTo(1));
            Assert.That(report.Failures, Has.Count.EqualTo(3));
            Assert.That(report.Failures[0], Does.StartWith("InvalidOperationException"));
            Assert.That(report.Failures[1], Does.StartWith("slow"));
            Assert.That(report.Failures[2], Does.StartWith("allocated"));
        });
    }

    private static byte[][] Utf8(string[] texts) => [.. texts.Select(Encoding.UTF8.GetBytes)];
}
