using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace OnlineLearning.Benchmarks;

/// <summary>
/// Checks outright that no benchmark method allocates: calls each one, for every backend and size, and
/// compares <see cref="GC.GetAllocatedBytesForCurrentThread"/> before and after (the least of a few rounds).
/// </summary>
/// <remarks>
/// BenchmarkDotNet's MemoryDiagnoser counts every thread of the process, so with the in-process toolchain
/// it can show a stray byte or two per operation from the JIT tiering code in the background. This check
/// counts only the calling thread, which is where the kernels run.
/// </remarks>
public static class AllocationCheck
{
    private const int WarmupCalls = 50;
    private const int MeasuredCalls = 200;
    private const int Rounds = 3;

    // Where returned values go, so the calls cannot be dropped.
    private static long sink;

    /// <summary>Returns the number of (method, backend, size) cases that allocated; prints each one.</summary>
    public static int Run()
    {
        int[] sizes = typeof(KernelBenchmarks).GetProperty(nameof(KernelBenchmarks.Size))!
            .GetCustomAttribute<ParamsAttribute>()!.Values.Cast<int>().ToArray();
        MethodInfo[] methods = typeof(KernelBenchmarks).GetMethods()
            .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
            .ToArray();

        int failures = 0;
        int cases = 0;
        foreach (var backend in KernelBenchmarks.SupportedBackends())
        {
            foreach (int size in sizes)
            {
                var bench = new KernelBenchmarks { Backend = backend, Size = size };
                bench.Setup();
                foreach (MethodInfo method in methods)
                {
                    Action call = Bind(bench, method);
                    for (int i = 0; i < WarmupCalls; i++)
                    {
                        call();
                    }

                    // The least of a few rounds: a method that allocates does so in every round, while the
                    // runtime itself now and then allocates a small object on this thread (tiering bookkeeping).
                    long allocated = long.MaxValue;
                    for (int round = 0; round < Rounds; round++)
                    {
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        for (int i = 0; i < MeasuredCalls; i++)
                        {
                            call();
                        }

                        allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                    }

                    cases++;
                    if (allocated != 0)
                    {
                        failures++;
                        Console.WriteLine($"ALLOCATES: {method.Name} [Backend={backend}, Size={size}]: {allocated} bytes in {MeasuredCalls} calls");
                    }
                }
            }
        }

        Console.WriteLine(failures == 0
            ? $"Allocation check: none of {cases} benchmark cases allocated."
            : $"Allocation check: {failures} of {cases} benchmark cases allocated.");
        return failures;
    }

    // Typed delegates, so that the calls themselves neither box nor allocate argument arrays.
    private static Action Bind(KernelBenchmarks bench, MethodInfo method)
    {
        if (method.ReturnType == typeof(void))
        {
            return method.CreateDelegate<Action>(bench);
        }

        if (method.ReturnType == typeof(long))
        {
            var f = method.CreateDelegate<Func<long>>(bench);
            return () => sink ^= f();
        }

        if (method.ReturnType == typeof(int))
        {
            var f = method.CreateDelegate<Func<int>>(bench);
            return () => sink ^= f();
        }

        throw new NotSupportedException($"Benchmark {method.Name} returns {method.ReturnType}; add a binding for it.");
    }
}
