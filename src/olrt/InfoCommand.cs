using System.CommandLine;
using System.Runtime.InteropServices;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli;

/// <summary><c>olrt info</c>: the selected backend, the CPU features behind it, and how the process runs.</summary>
internal static class InfoCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var command = new Command("info", "Print the selected kernel backend, the CPU's SIMD features and whether this is a NativeAOT build.");
        command.SetAction(parse =>
        {
            QKernels? kernels = OlrtCommand.SelectBackend(parse, backendOption);
            if (kernels is null)
            {
                return 2;
            }

            Console.WriteLine($"backend:      {Backends.Name(kernels.Backend)}");
            Console.WriteLine($"available:    {string.Join(", ", Backends.Available().Select(Backends.Name))}");
            Console.WriteLine($"architecture: {RuntimeInformation.ProcessArchitecture} ({RuntimeInformation.OSDescription.Trim()})");
            Console.WriteLine($"runtime:      {RuntimeInformation.FrameworkDescription}");
            Console.WriteLine($"nativeaot:    {(IsNativeAot ? "yes" : "no")}");
            Console.WriteLine("cpu features:");
            foreach ((string name, bool supported) in Backends.CpuFeatures())
            {
                Console.WriteLine($"  {name,-22} {(supported ? "yes" : "no")}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// A NativeAOT process has compiled nothing at run time. (RuntimeFeature.IsDynamicCodeSupported cannot tell:
    /// PublishAot switches it off in JIT builds of this project too.)
    /// </summary>
    public static bool IsNativeAot => System.Runtime.JitInfo.GetCompiledMethodCount() == 0;
}
