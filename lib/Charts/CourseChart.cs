using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CourseKit.Display;
using Plotly.NET;

namespace CourseKit.Charts;

/// <summary>
/// A chart the course draws: a Plotly.NET figure plus its own notebook view. It does not need
/// Plotly.NET.Interactive (which a plain <c>#r</c> does not load): its HTML is a div and a small script that
/// uses <c>window.Plotly</c> when the page has it (the offline site puts plotly.js in the page head) and
/// otherwise loads plotly.js (through require.js in classic Jupyter, a script tag elsewhere). Where scripts are
/// dropped (GitHub's viewer, nbconvert to HTML without JS) the div still shows the title and the trace list.
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class CourseChart
{
    /// <summary>Version of plotly.js loaded when the page has none (the one Plotly.NET 6 embeds).</summary>
    public const string PlotlyJsVersion = "2.28.0";

    private static int sequence;

    /// <summary>Wraps a Plotly.NET chart.</summary>
    public CourseChart(GenericChart figure, string title)
    {
        Figure = figure ?? throw new ArgumentNullException(nameof(figure));
        Title = title ?? throw new ArgumentNullException(nameof(title));
    }

    /// <summary>The Plotly.NET chart (for further styling with Plotly.NET, or saving).</summary>
    public GenericChart Figure { get; }

    /// <summary>The chart's title, as plain text.</summary>
    public string Title { get; }

    /// <summary>The figure as plotly.js reads it: <c>{"data": [...], "layout": {...}, "config": {...}}</c>, with the
    /// course's theme (transparent background, grey text readable on light and dark pages) filled in where
    /// the chart did not set it.</summary>
    public JsonObject ToFigure()
    {
        var figure = JsonNode.Parse(GenericChart.toJson(Figure))!.AsObject();
        var layout = figure["layout"] as JsonObject ?? new JsonObject();
        figure["layout"] = layout;
        layout.Remove("width"); // let the notebook's width decide; height stays
        SetDefault(layout, "paper_bgcolor", "rgba(0,0,0,0)");
        SetDefault(layout, "plot_bgcolor", "rgba(0,0,0,0)");
        SetDefault(layout, "font", new JsonObject { ["color"] = "#808080" });
        SetDefault(layout, "showlegend", true); // even with one trace: the legend names the state the colour stands for
        if (layout["height"] is null || layout["height"]!.GetValue<double>() == 600) layout["height"] = 420; // 600 is Plotly.NET's default: too tall in a notebook
        foreach (var axis in layout.Where(p => p.Key.StartsWith("xaxis", StringComparison.Ordinal) || p.Key.StartsWith("yaxis", StringComparison.Ordinal)).Select(p => p.Value).OfType<JsonObject>())
        {
            SetDefault(axis, "gridcolor", "rgba(128,128,128,0.25)");
            SetDefault(axis, "zerolinecolor", "rgba(128,128,128,0.5)");
        }
        return figure;
    }

    /// <summary>The notebook view: a div holding a static summary, replaced by the live chart when scripts run.</summary>
    public string ToHtml()
    {
        var id = "ck-chart-" + Interlocked.Increment(ref sequence).ToString(CultureInfo.InvariantCulture);
        // JSON inside <script>: "</" must not close the element early, and <!-- must not open a comment.
        var json = ToFigure().ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal).Replace("<!--", "<\\!--", StringComparison.Ordinal);
        var html = new StringBuilder();
        html.Append("<div class=\"ck-chart\" id=\"").Append(id).Append("\" style=\"min-height:420px\">");
        html.Append(ChartText.SummaryHtml(this));
        html.Append("</div><script type=\"text/javascript\">(function(){var f=").Append(json).Append(";var id='").Append(id).Append("';");
        html.Append(Loader);
        html.Append("})();</script>");
        return html.ToString();
    }

    /// <summary>A readable text form: title, axes and each trace with its number of points.</summary>
    public override string ToString() => ChartText.Summary(this);

    private static void SetDefault(JsonObject o, string key, JsonNode value)
    {
        if (o[key] is null) o[key] = value;
    }

    // draw(): clear the static summary, then plot. Plotly from the page first; else require.js (classic Jupyter,
    // where plotly's UMD bundle must be loaded through require); else one shared script tag for all charts.
    private const string Loader =
        "function draw(P){var e=document.getElementById(id);if(!e)return;e.innerHTML='';P.newPlot(e,f.data,f.layout,f.config);}" +
        "if(window.Plotly){draw(window.Plotly);return;}" +
        "var src='https://cdn.plot.ly/plotly-" + PlotlyJsVersion + ".min';" +
        "if(typeof window.require==='function'&&window.require.config){window.require.config({paths:{plotly:src}});window.require(['plotly'],draw);return;}" +
        "if(!window.__ckPlotly){window.__ckPlotly=new Promise(function(ok,fail){var s=document.createElement('script');s.src=src+'.js';" +
        "s.onload=function(){ok(window.Plotly);};s.onerror=fail;document.head.appendChild(s);});}" +
        "window.__ckPlotly.then(draw);";
}
