using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Benchmarks;

/// <summary>
/// Condenses a BenchmarkDotNet summary into one markdown row per (kernel, size): the mean ns per kernel
/// call on each backend, then each backend's speed-up over scalar (scalar mean / backend mean).
/// </summary>
public static class SpeedupTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(Summary summary)
    {
        var cells = new Dictionary<(string Kernel, int Size, Backend Backend), double>();
        var kernels = new List<(string Name, int Order, bool Matrix)>();
        var sizes = new SortedSet<int>();
        var backends = new SortedSet<Backend>();

        foreach (BenchmarkReport report in summary.Reports)
        {
            var descriptor = report.BenchmarkCase.Descriptor;
            string kernel = descriptor.WorkloadMethod.Name;
            var backend = (Backend)report.BenchmarkCase.Parameters[nameof(KernelBenchmarks.Backend)];
            int size = (int)report.BenchmarkCase.Parameters[nameof(KernelBenchmarks.Size)];
            if (!kernels.Exists(k => k.Name == kernel))
            {
                kernels.Add((kernel, descriptor.MethodIndex, descriptor.HasCategory(KernelBenchmarks.MatrixCategory)));
            }

            sizes.Add(size);
            backends.Add(backend);
            if (report.ResultStatistics is { } stats)
            {
                cells[(kernel, size, backend)] = stats.Mean; // nanoseconds per operation
            }
        }

        kernels.Sort((a, b) => a.Order.CompareTo(b.Order));
        var vectorBackends = backends.Where(b => b != Backend.Scalar).ToList();

        var header = new List<string> { "Kernel", "Size" };
        header.AddRange(backends.Select(b => $"{Backends.Name(b)} ns"));
        header.AddRange(vectorBackends.Select(b => $"{Backends.Name(b)} x"));

        var rows = new List<List<string>>();
        foreach (var (name, _, matrix) in kernels)
        {
            foreach (int size in sizes)
            {
                var row = new List<string> { name, matrix ? $"{KernelBenchmarks.Rows}x{size}" : size.ToString(Inv) };
                foreach (Backend b in backends)
                {
                    row.Add(cells.TryGetValue((name, size, b), out double ns) ? FormatNs(ns) : "-");
                }

                foreach (Backend b in vectorBackends)
                {
                    bool ok = cells.TryGetValue((name, size, Backend.Scalar), out double scalar)
                        & cells.TryGetValue((name, size, b), out double ns);
                    row.Add(ok && ns > 0 ? (scalar / ns).ToString("0.00", Inv) : "-");
                }

                rows.Add(row);
            }
        }

        return Markdown(header, rows, rightAlignFrom: 2) + Environment.NewLine +
            $"ns = mean per kernel call; x = scalar ns / backend ns. Matrix kernels: {KernelBenchmarks.Rows} rows x Size columns." +
            Environment.NewLine;
    }

    private static string FormatNs(double ns) => ns switch
    {
        < 10 => ns.ToString("0.00", Inv),
        < 100 => ns.ToString("0.0", Inv),
        _ => ns.ToString("#,0", Inv),
    };

    private static string Markdown(List<string> header, List<List<string>> rows, int rightAlignFrom)
    {
        int[] widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();

        void Line(IReadOnlyList<string> cells)
        {
            sb.Append('|');
            for (int i = 0; i < cells.Count; i++)
            {
                string cell = i >= rightAlignFrom ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
                sb.Append(' ').Append(cell).Append(" |");
            }

            sb.AppendLine();
        }

        Line(header);
        sb.Append('|');
        for (int i = 0; i < widths.Length; i++)
        {
            sb.Append(i >= rightAlignFrom ? $" {new string('-', widths[i] - 1)}: |" : $" {new string('-', widths[i])} |");
        }

        sb.AppendLine();
        foreach (var row in rows)
        {
            Line(row);
        }

        return sb.ToString();
    }
}
