using AngleSharp.Html.Parser;
using CourseKit.Charts;
using CourseKit.Display;
using CourseKit.Tracing.Strace;

namespace CourseKit.Tests.Datasets;

/// <summary>The views and the timeline built for the simulator draw an imported real trace.</summary>
public class RealTraceViewTests
{
    private static ImportedTrace Pipeline() => StraceImporter.Import(DatasetFiles.Read("strace", "pipeline.trace")).ValueOrThrow();

    [Fact]
    public void Process_tree_view_shows_bash_with_ls_and_wc()
    {
        var imported = Pipeline();
        string html = DisplayRegistry.Render(imported.Tree, DisplayRegistry.Html) ?? throw new InvalidOperationException("no tree view registered");
        var text = new HtmlParser().ParseDocument(html).Body!.TextContent;
        foreach (string command in new[] { "bash", "ls", "wc" }) Assert.Contains(command, text);
        foreach (var p in imported.Trace.Processes) Assert.Contains(p.Tid.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void An_imported_trace_draws_itself_as_its_tree_and_its_events()
    {
        var imported = Pipeline();
        string html = DisplayRegistry.Render(imported, DisplayRegistry.Html) ?? throw new InvalidOperationException("no view for ImportedTrace");
        var doc = new HtmlParser().ParseDocument(html);
        Assert.Equal("real trace", doc.QuerySelector(".ck-stack")!.GetAttribute("data-kind"));
        Assert.Equal(imported.Tree.Nodes.Count, doc.QuerySelectorAll("tr.ck-proc").Length);
        Assert.Contains("wait4", doc.Body!.TextContent);
        var text = DisplayRegistry.Render(imported, DisplayRegistry.PlainText)!;
        Assert.True(text.IndexOf("bash", StringComparison.Ordinal) is >= 0 and var tree && tree < text.IndexOf("wait4", StringComparison.Ordinal), text);
    }

    [Fact]
    public void A_failed_import_draws_the_line_it_could_not_read_encoded()
    {
        var failed = StraceImporter.Import("123 <script>alert(1)</script>\n");
        Assert.False(failed.IsOk);
        string html = DisplayRegistry.Render(failed, DisplayRegistry.Html)!;
        var doc = new HtmlParser().ParseDocument(html);
        Assert.Empty(doc.QuerySelectorAll("script"));
        Assert.Contains("line 1", doc.Body!.TextContent);
        Assert.Contains("<script>", doc.Body!.TextContent);
    }

    [Fact]
    public void Event_view_lists_the_real_system_calls()
    {
        var imported = Pipeline();
        string html = DisplayRegistry.Render(imported.Events, DisplayRegistry.Html) ?? throw new InvalidOperationException("no event view registered");
        var text = new HtmlParser().ParseDocument(html).Body!.TextContent;
        Assert.Contains("execve", text);
        Assert.Contains("wait4", text);
        Assert.Contains("/usr/bin/wc", text);
    }

    [Fact]
    public void Timeline_has_bars_for_every_process_including_the_traced_command()
    {
        var imported = Pipeline();
        var bars = Gantt.Intervals(imported.Events);
        Assert.Equal(imported.Trace.Processes.Select(p => p.Tid).Order(), bars.Select(b => b.Pid).Distinct().Order());
        int bash = imported.Trace.Root.Tid;
        Assert.Contains(bars, b => b.Pid == bash && b.State == Gantt.Waiting);        // bash blocked in wait4
        Assert.Contains(bars, b => b.Process.EndsWith("ls", StringComparison.Ordinal));
        var chart = Plot.Timeline(("bash -c 'ls /tmp | wc -l' on Linux", imported.Events));
        Assert.Contains("Process timeline", chart.ToString());
    }
}
