using System.CommandLine;
using System.Diagnostics;
using OnlineLearning.Core.Diagnostics;
using OnlineLearning.Numerics.Conformance;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Cli;

/// <summary>
/// <c>olrt selftest</c>: every kernel on every available SIMD backend against the scalar specification,
/// plus a zero-allocation check of each kernel. This is how the NEON bodies are verified inside the
/// NativeAOT arm64 binary under emulation, and how a board can be checked after deployment.
/// </summary>
internal static class SelfTestCommand
{
    public static Command Create(Option<string?> backendOption)
    {
        var command = new Command("selftest",
            "Check every kernel on every available backend bit for bit against the scalar specification, and check that " +
            "no kernel allocates. With --backend, check only that backend. Prints a pass/fail count; exits 1 on any failure.");
        command.SetAction(parse =>
        {
            IEnumerable<Backend> backends;
            if (parse.GetValue(backendOption) is not null || Environment.GetEnvironmentVariable(Backends.EnvironmentVariable) is { Length: > 0 })
            {
                QKernels? selected = OlrtCommand.SelectBackend(parse, backendOption);
                if (selected is null)
                {
                    return 2;
                }

                backends = [selected.Backend];
            }
            else
            {
                backends = Backends.Available();
            }

            return Run(backends);
        });
        return command;
    }

    private static int Run(IEnumerable<Backend> backends)
    {
        var clock = Stopwatch.StartNew();
        int passed = 0, failed = 0;
        Console.WriteLine($"selftest: nativeaot {(InfoCommand.IsNativeAot ? "yes" : "no")}, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}");
        foreach (Backend backend in backends)
        {
            QKernels kernels = Backends.Get(backend);
            ConformanceReport report = KernelConformance.Run(kernels, Console.Out);
            passed += report.Passed;
            failed += report.Failed;

            foreach ((string kernel, long bytes) in KernelAllocations.Measure(kernels))
            {
                if (bytes == 0)
                {
                    passed++;
                }
                else
                {
                    failed++;
                    Console.WriteLine($"  FAIL  {Backends.Name(backend),-9} {kernel} allocated {bytes} bytes");
                }
            }

            Console.WriteLine($"  pass  {Backends.Name(backend),-9} zero allocation checked for {KernelConformance.Cases.Count} kernels");
        }

        foreach ((string network, long bytes) in StepAllocations.Measure())
        {
            if (bytes == 0)
            {
                passed++;
                Console.WriteLine($"  pass  {network}: Step allocated 0 bytes in 2,000 steps");
            }
            else
            {
                failed++;
                Console.WriteLine($"  FAIL  {network}: Step allocated {bytes} bytes in 2,000 steps");
            }
        }

        Console.WriteLine($"selftest: {passed} passed, {failed} failed ({clock.Elapsed.TotalSeconds:F1} s)");
        return failed == 0 ? 0 : 1;
    }
}
