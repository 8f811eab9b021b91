using System.CommandLine;
using System.Globalization;
using System.Text;
using OnlineLearning.Core.Checkpoints;
using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt checkpoint inspect</c>, <c>olrt export</c> and <c>olrt import</c>: looking into a checkpoint, turning one
/// into a model file in real units, and turning a model file (for example trained on the host) into a checkpoint.
/// </summary>
internal static class CheckpointCommands
{
    public static Command Inspect()
    {
        var file = new Argument<string>("file") { Description = "The checkpoint file." };
        var inspect = new Command("inspect", "Print a checkpoint's header and tensor table and say whether it is valid. Exit 0 valid, 1 damaged.") { file };
        inspect.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            try
            {
                Console.Write(Describe(Checkpoint.Load(path)));
                return 0;
            }
            catch (CheckpointException e)
            {
                Console.WriteLine($"file:        {path}");
                Console.WriteLine($"verdict:     INVALID ({e.ProblemName})");
                Console.WriteLine($"reason:      {e.Message}");
                return 1;
            }
        });
        var command = new Command("checkpoint", "Work with checkpoint files (docs/checkpoints.md).");
        command.Subcommands.Add(inspect);
        return command;
    }

    public static Command Export()
    {
        var file = new Argument<string>("checkpoint") { Description = "The checkpoint to export." };
        var output = new Option<FileInfo>("--out") { Description = "The model file to write (JSON, real units).", Required = true };
        var command = new Command("export",
            "Write a checkpoint's learned weights, in real units, into a model file that olrt plan, grads and import accept unchanged.")
        {
            file, output,
        };
        command.SetAction(parse => OlrtCommand.ReportingUserErrors("export", () =>
        {
            var checkpoint = Checkpoint.Load(parse.GetValue(file)!);
            var (network, model) = CheckpointNetwork.Rebuild(checkpoint, UpdateSchedule.Never);
            AtomicFile.WriteAllText(parse.GetValue(output)!.FullName, model.WithWeights(network));
            Console.Error.WriteLine($"olrt export: {network.Family} model, rule {network.Rule}, step {checkpoint.Steps} -> {parse.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }

    public static Command Import(Option<string?> backendOption)
    {
        var model = new Argument<FileInfo>("model") { Description = "The model file (JSON; see docs/grads.md)." };
        var output = new Option<string>("--out") { Description = "The checkpoint to write.", Required = true };
        var rule = new Option<string?>("--rule") { Description = "The rule the checkpoint will learn with (default: ostl for spiking models, online for LRUs)." };
        var momentum = new Option<double>("--momentum") { Description = "Plan velocity tensors for SGD with this momentum (0: plain SGD).", DefaultValueFactory = _ => 0 };
        var command = new Command("import", "Turn a model file into a step-0 checkpoint that olrt run and olrt soak can resume from.")
        {
            model, output, rule, momentum,
        };
        command.SetAction(parse =>
        {
            if (OlrtCommand.SelectBackend(parse, backendOption) is null)
            {
                return 2;
            }

            return OlrtCommand.ReportingUserErrors("import", () =>
            {
                var document = ModelDocument.Load(parse.GetValue(model)!.FullName);
                var network = NetworkFactory.Create(document.Spec, new NetworkOptions
                {
                    Rule = parse.GetValue(rule),
                    Sgd = new SgdOptions { Momentum = parse.GetValue(momentum) },
                });
                var store = new CheckpointStore(parse.GetValue(output)!);
                var result = store.Save(network, document, Backends.Name(Backends.Current.Backend));
                if (!result.Saved)
                {
                    Console.Error.WriteLine($"olrt import: cannot write {store.Path}: {result.Error}");
                    return 1;
                }

                Console.Error.WriteLine($"olrt import: {network.Family} model, rule {network.Rule}, plan {network.Plan.FingerprintText} -> {store.Path}");
                return 0;
            });
        });
        return command;
    }

    private static string Describe(Checkpoint c)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"file:        {c.Path}\n");
        text.Append(inv, $"verdict:     valid (CRC-32C {c.Crc:x8} matches, {c.FileBytes} bytes)\n");
        text.Append(inv, $"format:      version {c.Version}\n");
        text.Append(inv, $"model:       {c.Family}, rule {c.Rule}, model hash {c.SpecHash:x16}\n");
        text.Append(inv, $"plan:        fingerprint {c.PlanFingerprintText}\n");
        text.Append(inv, $"written:     step {c.Steps}, {c.WrittenAt:u}, backend {c.Backend}\n");
        text.Append(inv, $"tensors:     {c.Tensors.Count} saved (scratch is not saved)\n");
        int width = Math.Max(6, c.Tensors.Count == 0 ? 0 : c.Tensors.Max(t => t.Name.Length));
        text.Append(inv, $"  {"tensor".PadRight(width)}  {"role",-9}  {"type",-6}  {"format",-7}  {"shape",-11}  {"bytes",10}\n");
        foreach (var t in c.Tensors)
        {
            string shape = t.Rows == 1 ? $"[{t.Cols}]" : $"[{t.Rows}x{t.Cols}]";
            text.Append(inv, $"  {t.Name.PadRight(width)}  {TensorRoles.Name(t.Role),-9}  {ArenaElements.Name(t.Element),-6}  {t.FormatText,-7}  {shape,-11}  {t.Bytes,10}\n");
        }

        return text.ToString();
    }
}
