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
