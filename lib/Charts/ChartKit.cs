using System.Runtime.CompilerServices;
using CourseKit.Display;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace CourseKit.Charts;

/// <summary>One named line or bar series of a chart, in the course's colours.</summary>
/// <param name="Name">Legend text (HTML-encoded before it reaches plotly.js, which reads a little HTML).</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (same length as <paramref name="X"/>).</param>
/// <param name="Colour">Hex colour from <see cref="Views.Palette"/>.</param>
/// <param name="Dashed">Dashed line: the second cue next to colour.</param>
/// <param name="Steps">Draw as steps (the value holds until the next point), for counts that change at events.</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Colour, bool Dashed = false, bool Steps = false);

/// <summary>
/// The few Plotly.NET calls the course's charts need, in one place: lines, stacked bars, titles and axis
/// titles. Plotly.NET.CSharp builds the traces; the F# module functions set what the C# package lacks (the title).
/// </summary>
internal static class ChartKit
{
#pragma warning disable CA2255 // registers CourseChart's renderers when CourseKit.dll loads (see DependencyResolver)
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterRenderers() =>
        DisplayRegistry.Register<CourseChart>(chart => chart.ToHtml(), chart => chart.ToString());

    /// <summary>Plotly.js reads a little HTML in names and titles: encode the text so it shows as typed.</summary>
    internal static string PlotlyText(string text) => System.Net.WebUtility.HtmlEncode(text);

    public static GenericChart Line(Series s)
    {
        if (s.X.Count != s.Y.Count) throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values.", nameof(s));
        var chart = CSharpChart.Line<double, double, string>(
            x: s.X, y: s.Y, Name: PlotlyText(s.Name), ShowMarkers: !s.Steps || s.X.Count < 40, LineColor: Color.fromHex(s.Colour),
            MarkerColor: Color.fromHex(s.Colour), LineDash: s.Dashed ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid,
            UseDefaults: false);
        if (s.Steps)
        {
            foreach (var trace in GenericChart.getTraces(chart))
            {
                var line = new Line();
                line.SetProperty("color", s.Colour);
                line.SetProperty("dash", s.Dashed ? "dash" : "solid");
                line.SetProperty("shape", "hv");
                trace.SetProperty("line", line);
            }
        }
        return chart;
    }

    /// <summary>Lines sharing one pair of axes; <paramref name="logAxes"/> for sizes and costs spanning orders of magnitude.</summary>
    public static CourseChart Lines(string title, string xTitle, string yTitle, IEnumerable<Series> series, bool logAxes = false) =>
        Finish(CSharpChart.Combine(series.Select(Line).ToArray()), title, xTitle, yTitle, logAxes);

    /// <summary>Titles, axis titles, a visible legend: every course chart has them.</summary>
    public static CourseChart Finish(GenericChart chart, string title, string xTitle, string yTitle, bool logAxes = false)
    {
        if (logAxes)
        {
            chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: PlotlyText(xTitle), AxisType: StyleParam.AxisType.Log);
            chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: PlotlyText(yTitle), AxisType: StyleParam.AxisType.Log);
        }
        else
        {
            chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: PlotlyText(xTitle));
            chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: PlotlyText(yTitle));
        }
        return Titled(chart, title);
    }

    /// <summary>Sets the title (axis titles were set on the panels); <paramref name="barMode"/> for bar charts.</summary>
    public static CourseChart Titled(GenericChart chart, string title, string? barMode = null)
    {
        chart = Plotly.NET.Chart.withTitle(PlotlyText(title), null).Invoke(chart);
        if (barMode is not null)
        {
            var layout = new Layout();
            layout.SetProperty("barmode", barMode);
            chart = GenericChart.addLayout(layout, chart);
        }
        return new CourseChart(chart, title);
    }
}
