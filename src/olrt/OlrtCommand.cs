using System.CommandLine;
using OnlineLearning.Core.Checkpoints;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using OnlineLearning.Core.Data;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli;

/// <summary>The olrt command line: one root with a global backend option, and a subcommand per job.</summary>
internal static partial class OlrtCommand
{
    /// <summary>Longest error line printed; anything longer is cut (user values inside are cut to 60 characters first).</summary>
    public const int MaxMessage = 400;

    /// <summary>
    /// Parses and runs. A parse error (unknown option, missing required option, a value that does not convert) is
    /// one line on standard error plus a pointer to the command's help, and exit 2 (docs/grads.md); System.CommandLine
    /// would print the whole help with .NET type names and exit 1.
    /// </summary>
    public static int Run(string[] args)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            var command = parse.CommandResult.Command;
            string name = command is RootCommand ? "olrt" : $"olrt {command.Name}";
            Console.Error.WriteLine($"{name}: {Clean(parse.Errors[0].Message)}");
            Console.Error.WriteLine($"see {name} --help");
            return 2;
        }

        return parse.Invoke();
    }

    /// <summary>
    /// One line for an error message: quoted user values longer than 60 characters are cut, .NET type names are
    /// dropped, line breaks become spaces and the whole is at most <see cref="MaxMessage"/> characters.
    /// </summary>
    public static string Clean(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message = message.Split(" (Parameter", 2)[0];
        message = LongQuote().Replace(message, m => $"'{UserText.Echo(m.Groups[1].Value)}'");
        message = TypeName().Replace(message, string.Empty);
        message = message.Replace('\r', ' ').Replace('\n', ' ');
        return message.Length <= MaxMessage ? message : string.Concat(message.AsSpan(0, MaxMessage - 1), "…");
    }

    [GeneratedRegex("'([^']{61,})'", RegexOptions.CultureInvariant)]
    private static partial Regex LongQuote();

    [GeneratedRegex(" as expected type '[^']*'", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();

    public static RootCommand Create()
    {
        var backend = new Option<string?>("--backend")
        {
            Description = "Force the kernel backend: scalar, vector128, neon or x86. Overrides the OLRT_BACKEND " +
                          "environment variable. Default: the best one this CPU supports.",
            Recursive = true,
        };

        var root = new RootCommand(
            "olrt: trains spiking networks and linear recurrent units online, in fixed point, one step at a time.");
        root.Options.Add(backend);
        root.Subcommands.Add(InfoCommand.Create(backend));
        root.Subcommands.Add(SelfTestCommand.Create(backend));
        root.Subcommands.Add(GradsCommand.Create(backend));
        root.Subcommands.Add(PlanCommand.Create(backend));
        root.Subcommands.Add(CopyTaskCommand.Create(backend));
        root.Subcommands.Add(TrainCommand.Create(backend));
        root.Subcommands.Add(CheckpointCommands.Inspect());
        root.Subcommands.Add(CheckpointCommands.Export());
        root.Subcommands.Add(CheckpointCommands.Import(backend));
        root.Subcommands.Add(SoakCommand.Create(backend));
        root.Subcommands.Add(Bench.BenchCommand.Create(backend));
        root.Subcommands.Add(Runs.RunCommand.Create(backend));
        return root;
    }

    /// <summary>
    /// Applies --backend (or OLRT_BACKEND) and returns the kernels, or prints why it cannot and returns null.
    /// A backend the CPU lacks is an error; it never falls back silently.
    /// </summary>
    public static QKernels? SelectBackend(ParseResult parse, Option<string?> backendOption)
    {
        try
        {
            string? requested = parse.GetValue(backendOption);
            if (requested is not null)
            {
                Backends.Force(Backends.Parse(requested));
            }

            return Backends.Current;
        }
        catch (Exception e) when (e is ArgumentException or BackendNotSupportedException)
        {
            Console.Error.WriteLine($"olrt: {Clean(e.Message)}");
            return null;
        }
    }

    /// <summary>
    /// Runs a subcommand's work and turns the errors a user can cause into one line on standard error: an unusable
    /// file (named with its line) exits 1, a bad option value exits 2. No stack traces for either.
    /// </summary>
    public static int ReportingUserErrors(string command, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (DataFileException e)
        {
            Console.Error.WriteLine($"olrt {command}: {Clean(e.Message)}");
            return 1;
        }
        catch (CheckpointException e)
        {
            Console.Error.WriteLine($"olrt {command}: {Clean(e.Message)}");
            return 1;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"olrt {command}: {Clean(e.Message)}");
            return 2;
        }
    }
}
