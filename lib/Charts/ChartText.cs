using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CourseKit.Views;

namespace CourseKit.Charts;

/// <summary>What a chart says in words: the text/plain form, and the static fallback inside its HTML.</summary>
internal static class ChartText
{
    /// <summary>A trace as the text form lists it.</summary>
    internal sealed record TraceInfo(string Name, string Type, int Points);

    /// <summary>The traces of a figure.</summary>
    internal static IReadOnlyList<TraceInfo> Traces(JsonObject figure) =>
        (figure["data"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(t => new TraceInfo(
                Plain((string?)t["name"]) ?? "(unnamed)",
                (string?)t["type"] ?? "scatter",
                Math.Max((t["x"] as JsonArray)?.Count ?? 0, (t["y"] as JsonArray)?.Count ?? 0)))
            .ToArray();

    /// <summary>The title of an axis ("xaxis", "yaxis2", ...), or null.</summary>
    internal static string? AxisTitle(JsonObject figure, string axis) =>
        figure["layout"]?[axis]?["title"] switch
        {
            JsonObject title => Plain((string?)title["text"]),
            JsonValue value => Plain((string?)value),
            _ => null,
        };

    internal static IEnumerable<(string Axis, string Title)> AxisTitles(JsonObject figure) =>
        (figure["layout"] as JsonObject ?? [])
            .Where(p => p.Key.StartsWith("xaxis", StringComparison.Ordinal) || p.Key.StartsWith("yaxis", StringComparison.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, AxisTitle(figure, p.Key)))
            .Where(p => p.Item2 is not null)
            .Select(p => (p.Key, p.Item2!));

    /// <summary>Names and titles are HTML-encoded for plotly.js (see <see cref="ChartKit.PlotlyText"/>); words want them back.</summary>
    private static string? Plain(string? plotlyText) => plotlyText is null ? null : System.Net.WebUtility.HtmlDecode(plotlyText);

    public static string Summary(CourseChart chart)
    {
        var figure = chart.ToFigure();
        var text = new StringBuilder();
        text.Append("Chart: ").AppendLine(chart.Title);
        foreach (var (axis, title) in AxisTitles(figure)) text.Append("  ").Append(axis).Append(": ").AppendLine(title);
        foreach (var trace in Traces(figure))
            text.Append("  - ").Append(trace.Name).Append(" (").Append(trace.Type).Append(", ")
                .Append(trace.Points.ToString(CultureInfo.InvariantCulture)).AppendLine(" points)");
        return text.ToString().TrimEnd();
    }

    public static string SummaryHtml(CourseChart chart)
    {
        var figure = chart.ToFigure();
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck-chart-static")))
        {
            html.Element("strong", chart.Title);
            html.Element("span", " (interactive chart: needs JavaScript)");
            using (html.Open("ul"))
            {
                foreach (var (axis, title) in AxisTitles(figure)) html.Element("li", axis + ": " + title);
                foreach (var trace in Traces(figure)) html.Element("li", $"{trace.Name}: {trace.Type}, {trace.Points} points");
            }
        }
        return html.ToString();
    }
}
