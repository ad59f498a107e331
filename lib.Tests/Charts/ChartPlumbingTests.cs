using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;
using CourseKit.Charts;
using CourseKit.Tests.Views;
using Microsoft.DotNet.Interactive.Formatting;

namespace CourseKit.Tests.Charts;

public sealed class ChartPlumbingTests
{
    private static CourseChart Sample(string name = "shared") => ChartKit.Lines(
        "Frames over time", "time (ticks)", "frames (4 KiB each)",
        [new Series(name, [0, 1, 2], [4, 3, 2], CourseKit.Views.Palette.Colour(CourseKit.Views.PageState.SharedCopyOnWrite)),
         new Series("private", [0, 1, 2], [0, 1, 2], CourseKit.Views.Palette.Colour(CourseKit.Views.PageState.Private), Dashed: true)]);

    [Fact]
    public void Figure_has_traces_axes_title_and_theme()
    {
        var figure = Sample().ToFigure();
        var data = figure["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.Equal("shared", (string?)data[0]!["name"]);
        Assert.Equal("scatter", (string?)data[0]!["type"]);
        Assert.Equal(new[] { 4.0, 3, 2 }, data[0]!["y"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("rgba(230, 159, 0, 1.0)", ((string?)data[0]!["line"]!["color"])!);
        Assert.Equal("dash", (string?)data[1]!["line"]!["dash"]);
        var layout = figure["layout"]!.AsObject();
        Assert.Equal("Frames over time", (string?)layout["title"]!["text"]);
        Assert.Equal("time (ticks)", (string?)layout["xaxis"]!["title"]!["text"]);
        Assert.Equal("frames (4 KiB each)", (string?)layout["yaxis"]!["title"]!["text"]);
        Assert.Equal("rgba(0,0,0,0)", (string?)layout["paper_bgcolor"]);
        Assert.True((bool)layout["showlegend"]!);
        Assert.Null(layout["template"]); // no 7 KB default template per chart
    }

    [Fact]
    public void Html_is_a_div_with_a_static_summary_and_a_loader_script()
    {
        var html = Sample().ToHtml();
        var doc = new HtmlParser().ParseDocument(html);
        var div = doc.QuerySelector("div.ck-chart")!;
        Assert.StartsWith("ck-chart-", div.Id);
        Assert.Contains("Frames over time", div.TextContent);
        Assert.Equal(4, div.QuerySelectorAll("li").Length); // two axes, two traces
        var script = doc.QuerySelector("script")!.TextContent;
        Assert.Contains("window.Plotly", script);
        Assert.Contains("https://cdn.plot.ly/plotly-2.28.0.min", script);
        Assert.Contains($"'{div.Id}'", script);
        var json = script[(script.IndexOf("var f=", StringComparison.Ordinal) + 6)..script.IndexOf(";var id=", StringComparison.Ordinal)];
        Assert.Equal(2, JsonNode.Parse(json)!["data"]!.AsArray().Count);
    }

    [Fact]
    public void Hostile_names_cannot_close_the_script_or_inject_markup()
    {
        var html = Sample("</script><img src=x onerror=alert(1)>").ToHtml();
        var doc = new HtmlParser().ParseDocument(html);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Single(doc.QuerySelectorAll("script"));
        Assert.Contains("<img src=x onerror=alert(1)>", doc.QuerySelector("div.ck-chart li:nth-child(3)")!.TextContent);
    }

    [Fact]
    public void Text_form_lists_title_axes_and_traces()
    {
        Assert.Equal(
            "Chart: Frames over time\n  xaxis: time (ticks)\n  yaxis: frames (4 KiB each)\n  - shared (scatter, 3 points)\n  - private (scatter, 3 points)",
            Sample().ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Mismatched_series_lengths_are_reported()
    {
        var e = Assert.Throws<ArgumentException>(() => ChartKit.Line(new Series("bad", [1, 2], [1], "#000000")));
        Assert.Contains("'bad' has 2 x values but 1 y values", e.Message);
    }

    [Fact]
    public void Resolver_answers_FSharp_Core_with_the_loaded_copy_whatever_the_version()
    {
        var loaded = typeof(Microsoft.FSharp.Core.Unit).Assembly;
        var answer = DependencyResolver.Resolve(AssemblyLoadContext.Default, new AssemblyName("FSharp.Core, Version=99.0.0.0"));
        Assert.Same(loaded, answer);
    }

    [Fact]
    public void Resolver_finds_own_dependencies_next_to_CourseKit_and_ignores_strangers()
    {
        var context = new AssemblyLoadContext("probe", isCollectible: true);
        try
        {
            var dynamicObj = DependencyResolver.Resolve(context, new AssemblyName("DynamicObj"));
            Assert.NotNull(dynamicObj);
            Assert.Equal(Path.Combine(DependencyResolver.LibraryFolder!, "DynamicObj.dll"), dynamicObj!.Location);
            Assert.Null(DependencyResolver.Resolve(context, new AssemblyName("No.Such.Assembly")));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Resolver_is_installed_when_the_library_loads()
    {
        var field = typeof(DependencyResolver).GetField("installed", BindingFlags.NonPublic | BindingFlags.Static)!;
        _ = new CourseKit.Views.HtmlWriter(); // any CourseKit type: the module initializer has run
        Assert.Equal(1, (int)field.GetValue(null)!);
    }
}

[Collection(FormatterCollection.Name)]
public sealed class ChartFormatterTests
{
    [Fact]
    public void A_course_chart_draws_itself_in_the_notebook_formatter()
    {
        Formatter.ResetToDefault();
        var chart = ChartKit.Lines("t", "x (ticks)", "y (frames)", [new Series("s", [0], [1], "#0072B2")]);
        var html = chart.ToDisplayString("text/html");
        Assert.Contains("class=\"ck-chart\"", html);
        Assert.StartsWith("Chart: t", chart.ToDisplayString("text/plain"));
    }
}
