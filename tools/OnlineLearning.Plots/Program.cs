using System.Globalization;

namespace OnlineLearning.Plots;

/// <summary>
/// Draws report plots from small CSV files. Usage:
/// <c>bars &lt;in.csv&gt; &lt;out.png&gt; &lt;title&gt; &lt;y label&gt;</c>: a grouped bar chart, first column the group
/// (e.g. preset), the header naming each series (e.g. "q best", "q scalar", "f32").
/// <c>lines &lt;in.csv&gt; &lt;out.png&gt; &lt;title&gt; &lt;y label&gt;</c>: one line per column against the first column.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 5 || args[0] is not ("bars" or "lines"))
        {
            Console.Error.WriteLine("usage: OnlineLearning.Plots bars|lines <in.csv> <out.png> <title> <y label>");
            return 2;
        }

        var lines = File.ReadAllLines(args[1]).Where(l => l.Length > 0).ToArray();
        string[] header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var plot = new ScottPlot.Plot();
        plot.Title(args[3]);
        plot.YLabel(args[4]);
        if (args[0] == "bars")
        {
            Bars(plot, header, rows);
        }
        else
        {
            for (int c = 1; c < header.Length; c++)
            {
                double[] xs = rows.Select(r => Parse(r[0])).ToArray();
                double[] ys = rows.Select(r => Parse(r[c])).ToArray();
                plot.Add.Scatter(xs, ys).LegendText = header[c];
            }

            plot.XLabel(header[0]);
            plot.ShowLegend();
        }

        plot.SavePng(args[2], 900, 500);
        Console.WriteLine($"wrote {args[2]}");
        return 0;
    }

    private static void Bars(ScottPlot.Plot plot, string[] header, string[][] rows)
    {
        int series = header.Length - 1;
        var palette = new ScottPlot.Palettes.Category10();
        var ticks = new List<ScottPlot.Tick>();
        for (int g = 0; g < rows.Length; g++)
        {
            for (int s = 0; s < series; s++)
            {
                string cell = rows[g][s + 1];
                if (cell.Length == 0)
                {
                    continue;
                }

                double position = (g * (series + 1)) + s;
                var bar = plot.Add.Bar(position, Parse(cell));
                bar.Color = palette.GetColor(s);
            }

            ticks.Add(new ScottPlot.Tick((g * (series + 1)) + ((series - 1) / 2.0), rows[g][0]));
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        for (int s = 0; s < series; s++)
        {
            plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = header[s + 1], FillColor = palette.GetColor(s) });
        }

        plot.ShowLegend();
        plot.Axes.Margins(bottom: 0);
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
