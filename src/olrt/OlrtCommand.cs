using System.CommandLine;
using OnlineLearning.Core.Data;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli;

/// <summary>The olrt command line: one root with a global backend option, and a subcommand per job.</summary>
internal static class OlrtCommand
{
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
        root.Subcommands.Add(SoakCommand.Create(backend));
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
            Console.Error.WriteLine($"olrt: {e.Message}");
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
            Console.Error.WriteLine($"olrt {command}: {e.Message}");
            return 1;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"olrt {command}: {e.Message.Split(" (Parameter", 2)[0]}");
            return 2;
        }
    }
}
