using System.Text.Json.Nodes;
using CourseKit.Charts;
using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using CourseKit.Views;

namespace CourseKit.Tests.Charts;

/// <summary>Each course chart, built from a real simulated run: its traces, their data, titles and axes.</summary>
public sealed class PlotTests
{
    private static JsonArray Traces(CourseChart c) => c.ToFigure()["data"]!.AsArray();

    private static JsonObject Layout(CourseChart c) => c.ToFigure()["layout"]!.AsObject();

    private static string? AxisTitle(CourseChart c, string axis) => (string?)Layout(c)[axis]?["title"]?["text"];

    private static double[] Ys(JsonNode trace) => trace["y"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    private static JsonNode Named(CourseChart c, string name) => Traces(c).Single(t => System.Net.WebUtility.HtmlDecode((string?)t!["name"]) == name)!;

    [Fact]
    public void Cow_vs_eager_copy_shows_the_wasted_copy_and_the_faulted_copies()
    {
        const int pages = 32;
        var chart = Plot.CopyOnWriteVersusEagerCopy(pages);
        Assert.Equal(4, Traces(chart).Count);
        Assert.Equal("time (logical clock ticks)", AxisTitle(chart, "xaxis"));
        Assert.Equal("frames in use (4 KiB pages)", AxisTitle(chart, "yaxis"));
        Assert.StartsWith("Frames in use after fork: copy-on-write vs eager copy", (string?)Layout(chart)["title"]!["text"]);
        var execCow = Ys(Named(chart, "fork+exec, copy-on-write")).Max();
        var execEager = Ys(Named(chart, "fork+exec, eager copy")).Max();
        var writeCow = Ys(Named(chart, "fork+write, copy-on-write")).Max();
        var writeEager = Ys(Named(chart, "fork+write, eager copy")).Max();
        // the eager fork copied the 32 written pages (and a stack page) that exec then threw away; COW copied none
        Assert.InRange(execEager - execCow, pages - 2, pages + 2);
        // writing every page: COW ends up copying them all too (only pages the child never wrote, like its stack, differ)
        Assert.InRange(writeEager - writeCow, 0, 2);
        Assert.True(writeCow - execCow >= pages - 2);
        Assert.Equal(Palette.Colour(PageState.SharedCopyOnWrite), Hex((string)Named(chart, "fork+exec, copy-on-write")["line"]!["color"]!));
        Assert.Equal("dash", (string?)Named(chart, "fork+write, eager copy")["line"]!["dash"]);
    }

    private static string Hex(string rgba)
    {
        if (rgba.StartsWith('#')) return rgba.ToUpperInvariant();
        var parts = rgba[(rgba.IndexOf('(') + 1)..rgba.IndexOf(')')].Split(',').Take(3).Select(p => int.Parse(p.Trim())).ToArray();
        return $"#{parts[0]:X2}{parts[1]:X2}{parts[2]:X2}";
    }

    [Fact]
    public void Faults_over_time_counts_each_kind_from_the_events()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 512 });
        var p = m.Start("/home/student/a.out");
        var heap = m.Mmap(p, 8 * m.PageSize, Protection.ReadWrite).Value;
        for (var i = 0; i < 8; i++) m.WriteWord(p, heap + i * m.PageSize, 1).ThrowIfNotOk();
        var child = m.Fork(p).Value;
        for (var i = 0; i < 3; i++) m.WriteWord(child, heap + i * m.PageSize, 2).ThrowIfNotOk();
        var chart = Plot.FaultsOverTime(m.Events);
        var faults = m.Events.OfType<PageFault>().ToArray();
        Assert.Equal(faults.Select(f => f.Kind).Distinct().Count(), Traces(chart).Count);
        Assert.Equal(3, Ys(Named(chart, "copy-on-write copy")).Max());
        Assert.Equal(faults.Count(f => f.Kind == FaultKind.DemandZero), Ys(Named(chart, "demand-zero (first touch)")).Max());
        Assert.Equal("faults so far (count)", AxisTitle(chart, "yaxis"));
        var childOnly = Plot.FaultsOverTime(m.Events, child);
        Assert.Equal(faults.Count(f => f.Pid == child), Traces(childOnly).Sum(t => Ys(t!).Max()));
    }

    [Fact]
    public void Memory_sharing_follows_the_writes_of_the_child()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 512 });
        var p = m.Start("/home/student/a.out");
        var heap = m.Mmap(p, 16 * m.PageSize, Protection.ReadWrite).Value;
        for (var i = 0; i < 16; i++) m.WriteWord(p, heap + i * m.PageSize, 1).ThrowIfNotOk();
        var samples = new List<MachineSnapshot> { m.Snapshot() };
        var child = m.Fork(p).Value;
        samples.Add(m.Snapshot());
        for (var i = 0; i < 4; i++) { m.WriteWord(child, heap + i * m.PageSize, 2).ThrowIfNotOk(); samples.Add(m.Snapshot()); }
        var chart = Plot.MemorySharing(samples, p, child);
        var shared = Ys(Named(chart, "shared frames (map count ≥ 2)"));
        var priv = Ys(Named(chart, "private frames (map count 1)"));
        Assert.Equal(6, shared.Length);
        Assert.True(shared[1] > shared[0]); // fork shares everything
        Assert.Equal(shared[1] - 4, shared[^1]); // each write unshares one frame
        Assert.Equal(priv[1] + 8, priv[^1]); // ...and leaves two private frames (the copy and the original)
        var pssChild = Ys(Named(chart, $"Pss of pid {child.Value} (a.out)"));
        Assert.Equal(samples[^1][child]!.Smaps.Pss, pssChild[^1]);
        Assert.Equal("Pss (kB)", AxisTitle(chart, "yaxis2"));
        Assert.Equal("frames in use (4 KiB pages)", AxisTitle(chart, "yaxis"));
        Assert.Equal("x2", (string?)Named(chart, $"Pss of pid {child.Value} (a.out)")["xaxis"]);
    }

    /// <summary>The shell runs two commands: one after the other (foreground) or both at once (background).</summary>
    private static EventLog Shell(bool background)
    {
        var m = Machine.Boot(new MachineOptions { Frames = 512 });
        var sh = m.Start("/bin/sh");
        void Run(Pid child) { m.Exec(child, "/bin/sleep", ["sleep", "1"]).ThrowIfNotOk(); }
        void Finish(Pid child)
        {
            var first = m.Wait(sh, child);
            if (first.IsOk) return;
            m.Exit(child, 0).ThrowIfNotOk();
            m.Wait(sh, child).ThrowIfNotOk();
        }
        if (!background)
        {
            var a = m.Fork(sh).Value; Run(a);
            Assert.True(m.Wait(sh, a).IsBlocked);
            m.Exit(a, 0).ThrowIfNotOk(); m.Wait(sh, a).ThrowIfNotOk();
            var b = m.Fork(sh).Value; Run(b);
            Assert.True(m.Wait(sh, b).IsBlocked);
            m.Exit(b, 0).ThrowIfNotOk(); m.Wait(sh, b).ThrowIfNotOk();
        }
        else
        {
            var a = m.Fork(sh).Value; Run(a);
            var b = m.Fork(sh).Value; Run(b);
            m.Exit(a, 0).ThrowIfNotOk();
            m.Exit(b, 0).ThrowIfNotOk();
            Finish(a); Finish(b);
        }
        return m.Events;
    }

    [Fact]
    public void Timeline_draws_running_waiting_and_zombie_bars_per_run()
    {
        var chart = Plot.Timeline(("foreground", Shell(false)), ("background", Shell(true)));
        var traces = Traces(chart);
        Assert.Equal(6, traces.Count); // three states per panel
        Assert.All(traces, t => Assert.Equal("bar", (string?)t!["type"]));
        Assert.Equal(new[] { "x", "x2" }, traces.Select(t => (string?)t!["xaxis"]).Distinct().Order());
        var waiting = traces.Where(t => (string?)t!["name"] == "waiting (blocked)").ToArray();
        Assert.Contains(waiting[0]!["y"]!.AsArray(), k => ((string?)k)!.StartsWith("foreground: pid 2"));
        var zombies = traces.Where(t => (string?)t!["name"] == "zombie (exited, not reaped)").SelectMany(t => t!["y"]!.AsArray()).Select(k => (string?)k).ToArray();
        Assert.Contains(zombies, z => z!.Contains("background") && z.Contains("sleep"));
        Assert.Equal(traces[0]!["x"]!.AsArray().Count, traces[0]!["base"]!.AsArray().Count);
        Assert.Equal("overlay", (string?)Layout(chart)["barmode"]);
        Assert.Equal("time (logical clock ticks)", AxisTitle(chart, "xaxis2"));
        Assert.Equal("background (process)", AxisTitle(chart, "yaxis2"));
    }

    [Fact]
    public void Gantt_intervals_follow_the_process_states()
    {
        var bars = Gantt.Intervals(Shell(false).ToArray());
        var shell = bars.Where(b => b.Pid == 2).ToArray();
        Assert.Contains(shell, b => b.State == Gantt.Waiting);
        var first = bars.Where(b => b.Pid == 3).ToArray();
        Assert.Equal(Gantt.Zombie, first[^1].State);
        Assert.True(first.Zip(first.Skip(1)).All(p => p.First.End == p.Second.Start), "intervals of one process follow each other");
    }

    [Fact]
    public void Fork_cost_grows_with_size_for_fork_and_stays_flat_for_vfork()
    {
        var chart = Plot.ForkCost(16, 64, 256);
        var cow = Ys(Named(chart, "fork, copy-on-write (copies page-table entries)"));
        var eager = Ys(Named(chart, "fork, eager copy (entries + every page)"));
        var vfork = Ys(Named(chart, "vfork (borrows the parent's memory)"));
        Assert.True(cow[2] - cow[0] == 240, $"COW fork work {string.Join(",", cow)}");
        Assert.True(eager[2] - eager[0] >= 480);
        Assert.Equal(vfork[0], vfork[2]);
        Assert.Equal("process size (MiB written before the call)", AxisTitle(chart, "xaxis"));
        Assert.Equal(new[] { 16 * 4096.0 / 1048576, 64 * 4096.0 / 1048576, 256 * 4096.0 / 1048576 },
            Named(chart, "vfork (borrows the parent's memory)")["x"]!.AsArray().Select(v => v!.GetValue<double>()));
    }

    [Fact]
    public void Fork_strategies_show_linux_fork_growing_per_page_and_on_demand_fork_flat_on_log_axes()
    {
        int[] sizes = [512, 2048, 8192];
        var chart = Plot.ForkStrategies(sizes);
        Assert.Equal(3, Traces(chart).Count);
        var linux = Ys(Named(chart, "Linux's fork (every entry, every map count)"));
        var onDemand = Ys(Named(chart, "on-demand fork (shares the directories, 1 GiB each)"));
        var deferred = Ys(Named(chart, "on-demand fork + a child write in every 2 MiB"));
        for (var i = 0; i < sizes.Length; i++)
        {
            // Linux: per resident page one entry copied and one map count updated; per leaf (512 pages) a table
            // copied and the directory's pointer to it (a few more for code and stack)
            Assert.InRange(linux[i], 2.0 * sizes[i] + 2.0 * sizes[i] / 512, 2.0 * sizes[i] + 2.0 * sizes[i] / 512 + 64);
            // on-demand: the few directories (one per GiB used: code, then mmap and stack) are shared, nothing else
            Assert.InRange(onDemand[i], 1, 4);
            // the child's writes copy the path to every leaf of the region: the work comes back, almost all of it
            Assert.InRange(deferred[i], 2.0 * sizes[i], linux[i] + 2.0 * (sizes[i] / 512 + 8));
        }
        // per 512 pages added: 1,024 units (entries and map counts) plus a table and its pointer, for Linux's fork ...
        Assert.Equal(2.0 * (sizes[2] - sizes[1]) + 2.0 * (sizes[2] - sizes[1]) / 512, linux[2] - linux[1]);
        // ... and nothing at all for on-demand fork: its cost does not depend on the size
        Assert.Equal(onDemand[0], onDemand[2]);
        Assert.True(linux[2] / onDemand[2] > 500, $"Linux {linux[2]} vs on-demand {onDemand[2]}");
        Assert.Equal("log", (string?)Layout(chart)["xaxis"]!["type"]);
        Assert.Equal("log", (string?)Layout(chart)["yaxis"]!["type"]);
        Assert.Equal(sizes.Select(s => s * 4096.0 / 1048576), Named(chart, "on-demand fork (shares the directories, 1 GiB each)")["x"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.StartsWith("process size (MiB", AxisTitle(chart, "xaxis"));
        Assert.StartsWith("entries + map counts + tables", AxisTitle(chart, "yaxis"));
        Assert.Equal("dash", (string?)Named(chart, "on-demand fork + a child write in every 2 MiB")["line"]!["dash"]);
    }

    [Fact]
    public void Fork_strategies_draw_a_titled_static_summary_and_refuse_absurd_sizes()
    {
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(Plot.ForkStrategies(64, 1024).ToHtml());
        var items = doc.QuerySelectorAll("div.ck-chart li").Select(li => li.TextContent).ToArray();
        Assert.Equal(5, items.Length); // two axes, three traces
        Assert.Contains(items, t => t.StartsWith("Linux's fork", StringComparison.Ordinal) && t.EndsWith("2 points", StringComparison.Ordinal));
        Assert.Contains("Linux's fork vs on-demand fork", doc.QuerySelector("div.ck-chart strong")!.TextContent);
        Assert.Single(doc.QuerySelectorAll("script"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Plot.ForkStrategies(64, 0));
        Assert.Contains("between 1 and 200000", e.Message);
        Assert.Equal(4, Traces(Plot.ForkStrategies()).Select(t => t!["x"]!.AsArray().Count).Distinct().Single());
    }

    [Fact]
    public void Linear_charts_keep_plotly_s_automatic_axis_type()
    {
        Assert.Null(Layout(Plot.ForkCost(16, 64))["xaxis"]!["type"]);
    }
}

public sealed class PlotEncodingTests
{
    [Fact]
    public void Hostile_program_names_stay_text_in_timeline_charts()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var events = new KernelEvent[]
        {
            new ProcessCreated(1, new Pid(1), new Pid(2), new Pid(1), CloneFlags.None, false),
            new ProcessExeced(2, new Pid(2), "/bin/" + hostile, new ValueList<string>([hostile])),
            new ProcessExited(5, new Pid(2), WaitStatus.Exited(0)),
            new ProcessReaped(7, new Pid(2), new Pid(1), WaitStatus.Exited(0)),
        };
        var chart = Plot.Timeline(("run", events));
        var keys = chart.ToFigure()["data"]!.AsArray().SelectMany(t => t!["y"]!.AsArray()).Select(k => (string)k!).ToArray();
        Assert.All(keys, k => Assert.DoesNotContain("<", k)); // plotly.js reads a little HTML in labels: encoded
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(chart.ToHtml());
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Single(doc.QuerySelectorAll("script"));
        var bars = Gantt.Intervals(events);
        Assert.Equal(new[] { Gantt.Running, Gantt.Zombie }, bars.Select(b => b.State));
        Assert.Equal((1L, 5L), (bars[0].Start, bars[0].End));
        Assert.Equal((5L, 7L), (bars[1].Start, bars[1].End));
    }
}
