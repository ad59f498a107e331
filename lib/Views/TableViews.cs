using System.Text;

namespace CourseKit.Views;

/// <summary>The physical memory view: the frame table as runs of alike frames, with owners and map counts,
/// free frames included, plus a strip (one cell per run) that shows at a glance how memory is used.</summary>
internal static class FrameTableView
{
    public const int RowBudget = 48;

    public static string Html(IReadOnlyList<FrameRun> runs, long totalFrames, int pageSize)
    {
        var used = runs.Where(r => !r.Free).Sum(r => r.Frames);
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-frames"), ("data-frames", totalFrames), ("data-used", used)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", $"Physical memory: {Fmt.Count(totalFrames, "frame", "frames")} of {Fmt.Bytes((ulong)pageSize)}");
            html.Element("div", $"{Fmt.Number(used)} used · {Fmt.Number(totalFrames - used)} free · {Fmt.Bytes((ulong)(used * pageSize))} in use", ("class", "ck-muted"));
            using (html.Open("table"))
            {
                using (html.Open("thead")) using (html.Open("tr"))
                {
                    html.Element("th", "frames");
                    html.Element("th", "state");
                    html.Element("th", "map count", ("class", "ck-num"));
                    html.Element("th", "owners (pid)");
                }
                using (html.Open("tbody"))
                {
                    foreach (var slot in Collapse.Plan(runs.Count, RowBudget, i => runs[i].MapCount > 1))
                    {
                        if (slot.IsCollapsed)
                        {
                            var hidden = runs.Skip(slot.Index).Take(slot.Count).ToArray();
                            using (html.Open("tr", ("class", "ck-collapsed"), ("data-frames", hidden.Sum(r => r.Frames))))
                                html.Element("td", $"… {Fmt.Count(slot.Count, "run", "runs")} of {Fmt.Count(hidden.Sum(r => r.Frames), "frame", "frames")} collapsed ({Fmt.Number(hidden.Where(r => r.Free).Sum(r => r.Frames))} free)", ("colspan", 4), ("class", "ck-muted"));
                            continue;
                        }
                        var run = runs[slot.Index];
                        var state = State(run);
                        using (html.Open("tr", ("class", "ck-frame-run"), ("data-first", run.FirstFrame), ("data-frames", run.Frames), ("data-map-count", run.MapCount)))
                        {
                            html.Element("td", run.Frames == 1 ? $"{run.FirstFrame}" : $"{run.FirstFrame}–{run.FirstFrame + run.Frames - 1}", ("class", "ck-mono"));
                            using (html.Open("td"))
                            {
                                html.Element("span", state.Letter, ("class", "ck-swatch " + state.Css));
                                html.Text(" " + state.Label);
                            }
                            html.Element("td", run.MapCount.ToString(System.Globalization.CultureInfo.InvariantCulture), ("class", "ck-num"));
                            html.Element("td", string.Join(", ", run.Owners));
                        }
                    }
                }
            }
            using (html.Open("div", ("class", "ck-legend")))
            {
                Legend.Item(html, "·", "ck-swatch ck-s-free", "free");
                Legend.Item(html, "P", "ck-swatch ck-s-private", "mapped once (map count 1)");
                Legend.Item(html, "S", "ck-swatch ck-s-cow", "shared by several page tables (map count ≥ 2)");
                html.Element("span", "threads (CLONE_VM) share one page table: their frames count once", ("class", "ck-muted"));
            }
        }
        return html.ToString();
    }

    private static (string Letter, string Css, string Label) State(FrameRun r) => r.MapCount switch
    {
        0 => ("·", "ck-s-free", "free"),
        1 => ("P", "ck-s-private", r.Dirty ? "mapped once, dirty" : "mapped once"),
        _ => ("S", "ck-s-cow", r.Dirty ? "shared, dirty" : "shared"),
    };

    public static string Text(IReadOnlyList<FrameRun> runs, long totalFrames, int pageSize)
    {
        var used = runs.Where(r => !r.Free).Sum(r => r.Frames);
        var text = new StringBuilder();
        text.AppendLine($"Physical memory: {Fmt.Count(totalFrames, "frame", "frames")} of {Fmt.Bytes((ulong)pageSize)}, {Fmt.Number(used)} used, {Fmt.Number(totalFrames - used)} free");
        foreach (var slot in Collapse.Plan(runs.Count, RowBudget, i => runs[i].MapCount > 1))
        {
            if (slot.IsCollapsed) { text.AppendLine($"  ... {Fmt.Count(slot.Count, "run", "runs")} collapsed ..."); continue; }
            var r = runs[slot.Index];
            var range = r.Frames == 1 ? $"{r.FirstFrame}" : $"{r.FirstFrame}-{r.FirstFrame + r.Frames - 1}";
            text.AppendLine($"  [{State(r).Letter}] {range,-14} {State(r).Label,-18} map count {r.MapCount}" + (r.Owners.Count > 0 ? $"  pids {string.Join(", ", r.Owners)}" : ""));
        }
        text.Append("Legend: [·] free · [P] mapped once · [S] shared (map count >= 2)");
        return text.ToString();
    }
}

/// <summary>The process tree: who forked whom, state, exit status, threads, and orphans that were reparented.</summary>
internal static class ProcessTreeView
{
    public static string Html(IReadOnlyList<TreeRow> rows)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-tree"), ("data-processes", rows.Count)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", $"Process tree: {Fmt.Count(rows.Count, "process", "processes")}");
            using (html.Open("table"))
            {
                using (html.Open("thead")) using (html.Open("tr"))
                {
                    foreach (var h in new[] { "PID", "PPID", "command", "state", "exit status", "threads" })
                        html.Element("th", h, ("class", h is "PID" or "PPID" or "threads" ? "ck-num" : null));
                }
                using (html.Open("tbody"))
                {
                    foreach (var r in rows)
                    {
                        using (html.Open("tr", ("class", "ck-proc"), ("data-pid", r.Pid), ("data-ppid", r.Ppid), ("data-state", r.State),
                                   ("data-depth", r.Depth), ("data-reparented-from", r.ReparentedFrom)))
                        {
                            html.Element("td", r.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), ("class", "ck-num"));
                            html.Element("td", r.Ppid.ToString(System.Globalization.CultureInfo.InvariantCulture), ("class", "ck-num"));
                            using (html.Open("td", ("style", $"padding-left:{6 + 16 * r.Depth}px")))
                            {
                                if (r.Depth > 0) html.Text("└ ");
                                html.Element("code", r.Command);
                                if (r.ReparentedFrom is { } was)
                                    html.Element("span", $" ⤴ orphan, reparented (parent was {was})", ("class", "ck-bad ck-orphan"));
                            }
                            using (html.Open("td"))
                            {
                                html.Element("span", StateSymbol(r.State), ("class", "ck-p-" + StateClass(r.State)));
                                html.Text(" " + r.State);
                            }
                            html.Element("td", r.ExitStatus ?? "");
                            html.Element("td", r.Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–", ("class", "ck-num"));
                        }
                    }
                }
            }
            using (html.Open("div", ("class", "ck-legend")))
            {
                Legend.Item(html, "●", "ck-p-running", "running / runnable");
                Legend.Item(html, "◐", "ck-p-waiting", "blocked (waiting)");
                Legend.Item(html, "☠", "ck-p-zombie", "zombie: exited, not yet reaped (holds PID and status)");
                Legend.Item(html, "⤴", "ck-bad", "orphan reparented to init or a subreaper");
            }
        }
        return html.ToString();
    }

    internal static string StateClass(string state) => state.ToLowerInvariant() switch
    {
        var s when s.StartsWith("zombie", StringComparison.Ordinal) => "zombie",
        var s when s.StartsWith("blocked", StringComparison.Ordinal) || s.StartsWith("wait", StringComparison.Ordinal) || s.StartsWith("sleep", StringComparison.Ordinal) || s.StartsWith("stopped", StringComparison.Ordinal) => "waiting",
        _ => "running",
    };

    private static string StateSymbol(string state) => StateClass(state) switch { "zombie" => "☠", "waiting" => "◐", _ => "●" };

    public static string Text(IReadOnlyList<TreeRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("  PID  PPID  STATE        EXIT             THR  COMMAND");
        foreach (var r in rows)
        {
            text.Append($"{r.Pid,5} {r.Ppid,5}  {r.State,-12} {r.ExitStatus ?? "",-16} {r.Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",3}  {new string(' ', 2 * r.Depth)}{(r.Depth > 0 ? "`- " : "")}{r.Command}");
            if (r.ReparentedFrom is { } was) text.Append($"  (orphan, parent was {was})");
            text.AppendLine();
        }
        return text.ToString().TrimEnd();
    }
}

/// <summary>smaps per segment, in kB as /proc/PID/smaps prints them, with the fault counters beside.</summary>
internal static class SmapsView
{
    private static readonly string[] Columns = ["Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty"];

    private static long[] Values(SmapsRow r) => [r.Rss, r.Pss, r.SharedClean, r.SharedDirty, r.PrivateClean, r.PrivateDirty];

    public static string Html(int pid, string command, IReadOnlyList<SmapsRow> rows, SmapsRow total, FaultCounts faults)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-smaps"), ("data-pid", pid)))
        {
            html.Style(Theme.Sheet);
            using (html.Open("h4"))
            {
                html.Text($"smaps of pid {pid} (");
                html.Element("code", command);
                html.Text(") in kB");
            }
            using (html.Open("div", ("class", "ck-row")))
            {
                using (html.Open("table", ("class", "ck-smaps-table")))
                {
                    using (html.Open("thead")) using (html.Open("tr"))
                    {
                        html.Element("th", "segment");
                        foreach (var c in Columns) html.Element("th", c, ("class", "ck-num"));
                    }
                    using (html.Open("tbody"))
                    {
                        foreach (var r in rows.Append(total))
                        {
                            using (html.Open("tr", ("data-segment", r.Name), ("class", ReferenceEquals(r, total) ? "ck-total" : null)))
                            {
                                html.Element(ReferenceEquals(r, total) ? "th" : "td", r.Name);
                                foreach (var (v, c) in Values(r).Zip(Columns)) html.Element("td", Fmt.Number(v), ("class", "ck-num"), ("data-col", c));
                            }
                        }
                    }
                }
                using (html.Open("table", ("class", "ck-faults")))
                {
                    using (html.Open("thead")) using (html.Open("tr")) { html.Element("th", "page faults"); html.Element("th", "count", ("class", "ck-num")); }
                    using (html.Open("tbody"))
                    {
                        foreach (var (name, kind, value) in FaultRows(faults))
                        {
                            using (html.Open("tr", ("data-kind", kind)))
                            {
                                html.Element("td", name);
                                html.Element("td", Fmt.Number(value), ("class", "ck-num"));
                            }
                        }
                    }
                }
            }
            using (html.Open("div", ("class", "ck-legend")))
            {
                html.Element("span", "Shared_* = pages whose frame has map count ≥ 2; Private_* = map count 1; *_Dirty = written. Pss adds page size ÷ map count per page, so shared pages are split fairly between their mappers.", ("class", "ck-muted"));
            }
        }
        return html.ToString();
    }

    internal static IEnumerable<(string Name, string Kind, long Value)> FaultRows(FaultCounts f) =>
    [
        ("demand-zero (first write or touch: a fresh zeroed frame)", "demand-zero", f.DemandZero),
        ("zero page (first read: the shared zero page, no frame)", "zero-page", f.ZeroPageRead),
        ("page cache (code read from the executable's cached pages)", "page-cache", f.PageCache),
        ("copy-on-write copy", "cow-copy", f.CowCopy),
        ("copy-on-write reuse (last owner, no copy)", "cow-reuse", f.CowReuse),
        ("minor faults in all (ps -o min_flt)", "minor", f.Minor),
        ("protection (SIGSEGV, SEGV_ACCERR)", "protection", f.Protection),
        ("no mapping (SIGSEGV, SEGV_MAPERR)", "unmapped", f.Unmapped),
    ];

    public static string Text(int pid, string command, IReadOnlyList<SmapsRow> rows, SmapsRow total, FaultCounts faults)
    {
        var text = new StringBuilder();
        text.AppendLine($"smaps of pid {pid} ({command}), kB");
        text.AppendLine($"  {"segment",-10}" + string.Concat(Columns.Select(c => $" {c,13}")));
        foreach (var r in rows.Append(total))
            text.AppendLine($"  {r.Name,-10}" + string.Concat(Values(r).Select(v => $" {v,13}")));
        text.Append("faults: " + string.Join(", ", FaultRows(faults).Select(f => $"{f.Kind} {f.Value}")));
        return text.ToString();
    }
}

/// <summary>The event log as a table (time, pid, kind, what happened), newest last, long logs cut at the top.</summary>
internal static class EventLogView
{
    public const int RowBudget = 200;

    public static string Html(IReadOnlyList<EventRow> events)
    {
        var html = new HtmlWriter();
        var skip = Math.Max(0, events.Count - RowBudget);
        using (html.Open("div", ("class", "ck ck-events"), ("data-events", events.Count)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", $"Event log: {Fmt.Count(events.Count, "event", "events")}");
            if (skip > 0) html.Element("div", $"… {Fmt.Count(skip, "earlier event", "earlier events")} not shown", ("class", "ck-muted ck-collapsed"), ("data-events", skip));
            using (html.Open("table"))
            {
                using (html.Open("thead")) using (html.Open("tr"))
                {
                    html.Element("th", "time", ("class", "ck-num"));
                    html.Element("th", "pid", ("class", "ck-num"));
                    html.Element("th", "event");
                    html.Element("th", "details");
                }
                using (html.Open("tbody"))
                {
                    foreach (var e in events.Skip(skip))
                    {
                        using (html.Open("tr", ("data-kind", e.Kind), ("data-pid", e.Pid)))
                        {
                            html.Element("td", Fmt.Number(e.Time), ("class", "ck-num"));
                            html.Element("td", e.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), ("class", "ck-num"));
                            html.Element("td", e.Kind);
                            html.Element("td", e.Text, ("class", "ck-mono"));
                        }
                    }
                }
            }
            using (html.Open("div", ("class", "ck-legend")))
                html.Element("span", "time is the simulator's logical clock (ticks), not wall-clock time", ("class", "ck-muted"));
        }
        return html.ToString();
    }

    public static string Text(IReadOnlyList<EventRow> events)
    {
        var text = new StringBuilder();
        var skip = Math.Max(0, events.Count - RowBudget);
        if (skip > 0) text.AppendLine($"... {skip} earlier events not shown");
        foreach (var e in events.Skip(skip)) text.AppendLine($"{e.Time,6} {e.Pid,5} {e.Kind,-18} {e.Text}");
        return text.ToString().TrimEnd();
    }
}
