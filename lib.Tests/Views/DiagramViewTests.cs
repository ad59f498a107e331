using CourseKit.Views;
using static CourseKit.Tests.Views.ProcessImageViewTests;

namespace CourseKit.Tests.Views;

/// <summary>Side by side, frame table, tree, smaps and event log, drawn from hand-made diagrams.</summary>
public sealed class DiagramViewTests
{
    private static ProcessDiagram Child() => Sample("child") with
    {
        Pid = 43,
        Segments =
        [
            new SegmentDiagram("code", 0x400000, 0x402000, "r-x", [new PageSpan(0x400, 2, PageState.SharedCode, 10, 2, false)]),
            new SegmentDiagram("data", 0x402000, 0x403000, "rw-", [new PageSpan(0x402, 1, PageState.Private, 50, 1, true)]), // copied
        ],
        Threads = [new ThreadDiagram(43, "running", null)],
    };

    [Fact]
    public void Side_by_side_links_pages_to_frames_with_map_counts()
    {
        var doc = Parse(SideBySideView.Html([Sample(), Child()]));
        var frames = doc.QuerySelectorAll("g.ck-frame-box");
        var code = frames.Single(f => f.GetAttribute("data-first") == "10");
        Assert.Equal("11", code.GetAttribute("data-last"));
        Assert.Equal("2", code.GetAttribute("data-map-count"));
        Assert.Contains("×2", code.TextContent);
        // the shared code frames are reached from both processes; the copied data frame only from the child
        var links = doc.QuerySelectorAll("path.ck-link");
        Assert.Equal(new[] { "42", "43" }, links.Where(l => l.GetAttribute("data-frame") == "10").Select(l => l.GetAttribute("data-pid")).Order());
        Assert.Equal(new[] { "43" }, links.Where(l => l.GetAttribute("data-frame") == "50").Select(l => l.GetAttribute("data-pid")));
        Assert.Equal(new[] { "42" }, links.Where(l => l.GetAttribute("data-frame") == "12").Select(l => l.GetAttribute("data-pid")));
        Assert.NotNull(doc.QuerySelector(".ck-legend"));
        Assert.Empty(doc.QuerySelectorAll("script"));
    }

    [Fact]
    public void Side_by_side_splits_partly_shared_frame_ranges()
    {
        var a = Sample() with { Segments = [new SegmentDiagram("heap", 0x10000, 0x14000, "rw-", [new PageSpan(0x10, 4, PageState.SharedCopyOnWrite, 100, 2, true)])] };
        var b = Sample() with
        {
            Pid = 43,
            Segments = [new SegmentDiagram("heap", 0x10000, 0x14000, "rw-",
                [new PageSpan(0x10, 2, PageState.SharedCopyOnWrite, 100, 2, true), new PageSpan(0x12, 2, PageState.SharedCopyOnWrite, 102, 2, true)])],
        };
        var frames = Parse(SideBySideView.Html([a, b])).QuerySelectorAll("g.ck-frame-box");
        Assert.Equal(new[] { "100-101", "102-103" }, frames.Select(f => f.GetAttribute("data-first") + "-" + f.GetAttribute("data-last")));
    }

    [Fact]
    public void Side_by_side_encodes_hostile_names_and_has_a_text_form()
    {
        var doc = Parse(SideBySideView.Html([Sample(Hostile), Child()]));
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Contains(Hostile, doc.QuerySelector("h4")!.TextContent);
        var text = SideBySideView.Text([Sample(), Child()]);
        Assert.Contains("  10: pid 42 code (2 pages, map count 2); pid 43 code (2 pages, map count 2)", text.ReplaceLineEndings("\n"));
    }

    private static readonly FrameRun[] FrameRuns =
    [
        new(0, 2, 2, false, [42, 43]),
        new(2, 1, 1, true, [42]),
        new(3, 5, 0, false, []),
    ];

    [Fact]
    public void Frame_table_lists_runs_with_counts_owners_and_free_frames()
    {
        var doc = Parse(FrameTableView.Html(FrameRuns, 8, 4096));
        var root = doc.QuerySelector(".ck-frames")!;
        Assert.Equal("3", root.GetAttribute("data-used"));
        var rows = doc.QuerySelectorAll("tr.ck-frame-run");
        Assert.Equal(new[] { "2", "1", "0" }, rows.Select(r => r.GetAttribute("data-map-count")));
        Assert.Equal("42, 43", rows[0].Children[3].TextContent);
        Assert.Contains("free", rows[2].TextContent);
        Assert.Equal(3, doc.QuerySelectorAll(".ck-legend-item").Length);
        Assert.Contains("[S] 0-1", FrameTableView.Text(FrameRuns, 8, 4096));
    }

    [Fact]
    public void Frame_table_of_a_million_frames_stays_small_and_keeps_shared_frames()
    {
        var runs = Enumerable.Range(0, 1_000_000).Select(i => new FrameRun(i, 1, i % 2 == 0 ? 1 : 0, false, i % 2 == 0 ? [i % 100] : [])).ToList();
        runs[500_001] = new FrameRun(500_001, 1, 3, false, [1, 2, 3]);
        var html = FrameTableView.Html(runs, 1_000_000, 4096);
        Assert.True(html.Length < 64 * 1024, $"{html.Length} bytes");
        var doc = Parse(html);
        Assert.Contains(doc.QuerySelectorAll("tr.ck-frame-run"), r => r.GetAttribute("data-first") == "500001");
        var total = doc.QuerySelectorAll("tbody tr").Sum(r => long.Parse(r.GetAttribute("data-frames")!));
        Assert.Equal(1_000_000, total);
    }

    private static readonly TreeRow[] Tree =
    [
        new(1, 0, "init", "running", null, 1, null, 0),
        new(42, 1, "sh", "blocked in wait", null, 1, null, 1),
        new(43, 42, Hostile, "zombie", "exited 3", 0, null, 2),
        new(50, 1, "orphan", "running", null, 2, 44, 1),
    ];

    [Fact]
    public void Process_tree_shows_state_exit_status_threads_and_orphans()
    {
        var doc = Parse(ProcessTreeView.Html(Tree));
        var rows = doc.QuerySelectorAll("tr.ck-proc");
        Assert.Equal(new[] { "1", "42", "43", "50" }, rows.Select(r => r.GetAttribute("data-pid")));
        Assert.Equal("exited 3", rows[2].Children[4].TextContent);
        Assert.NotNull(rows[2].QuerySelector(".ck-p-zombie"));
        Assert.NotNull(rows[1].QuerySelector(".ck-p-waiting"));
        Assert.Equal("44", rows[3].GetAttribute("data-reparented-from"));
        Assert.Contains("reparented (parent was 44)", rows[3].QuerySelector(".ck-orphan")!.TextContent);
        Assert.Equal("2", rows[3].Children[5].TextContent);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Equal(Hostile, rows[2].QuerySelector("code")!.TextContent);
        Assert.Equal(4, doc.QuerySelectorAll(".ck-legend-item").Length);
        var text = ProcessTreeView.Text(Tree).ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(5, text.Length);
        Assert.EndsWith("`- orphan  (orphan, parent was 44)", text[4]);
    }

    [Fact]
    public void Smaps_table_has_linux_columns_total_and_fault_counters()
    {
        var rows = new[] { new SmapsRow("heap", 1024, 640, 0, 768, 0, 256) };
        var total = new SmapsRow("total", 1032, 644, 8, 768, 0, 256);
        var doc = Parse(SmapsView.Html(42, "sh", rows, total, new FaultCounts(4, 64, 0, 1)));
        Assert.Equal(new[] { "segment", "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty" },
            doc.QuerySelectorAll(".ck-smaps-table th").Take(7).Select(t => t.TextContent));
        Assert.Equal("640", doc.QuerySelector("tr[data-segment=heap] td[data-col=Pss]")!.TextContent);
        Assert.Equal("1,032", doc.QuerySelector("tr[data-segment=total] td[data-col=Rss]")!.TextContent);
        Assert.Equal("64", doc.QuerySelector(".ck-faults tr[data-kind=cow-copy] td:last-child")!.TextContent);
        Assert.Contains("faults: demand-zero 4, zero-page 0, page-cache 0, cow-copy 64, cow-reuse 0, minor 68, protection 1, unmapped 0", SmapsView.Text(42, "sh", rows, total, new FaultCounts(4, 64, 0, 1)));
        var all = Parse(SmapsView.Html(42, "sh", rows, total, new FaultCounts(4, 64, 2, 1, ZeroPageRead: 8, PageCache: 3, Unmapped: 5)));
        string Count(string kind) => all.QuerySelector($".ck-faults tr[data-kind={kind}] td:last-child")!.TextContent;
        Assert.Equal(("8", "3", "5", "81"), (Count("zero-page"), Count("page-cache"), Count("unmapped"), Count("minor")));
    }

    [Fact]
    public void Event_log_keeps_the_latest_events_and_encodes_text()
    {
        var events = Enumerable.Range(0, 250).Select(i => new EventRow(i, 1, "syscall", i == 249 ? Hostile : $"e{i}")).ToArray();
        var doc = Parse(EventLogView.Html(events));
        Assert.Equal(EventLogView.RowBudget, doc.QuerySelectorAll("tbody tr").Length);
        Assert.Equal("50", doc.QuerySelector(".ck-collapsed")!.GetAttribute("data-events"));
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Equal(Hostile, doc.QuerySelector("tbody tr:last-child td:last-child")!.TextContent);
        Assert.StartsWith("... 50 earlier events not shown", EventLogView.Text(events));
    }
}
