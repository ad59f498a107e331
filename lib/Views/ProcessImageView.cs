using System.Text;

namespace CourseKit.Views;

/// <summary>
/// The process image: the address space from high addresses (top) to low (bottom), stack, gap, heap, data,
/// code, each run of pages coloured and lettered by state, each thread's program counter marked on its run.
/// </summary>
internal static class ProcessImageView
{
    /// <summary>Rows per segment before runs collapse (the million-page bound rests on it).</summary>
    public const int RunBudgetPerSegment = 32;

    public static string Html(ProcessDiagram p, IReadOnlyCollection<ulong>? highlight = null)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-image"), ("data-pid", p.Pid)))
        {
            html.Style(Theme.Sheet);
            Header(html, p);
            SegmentsHtml(html, p, highlight);
            Legend.PageStates(html, withPc: p.Threads.Any(t => t.Pc is not null) || highlight is { Count: > 0 });
        }
        return html.ToString();
    }

    internal static void Header(HtmlWriter html, ProcessDiagram p)
    {
        using (html.Open("h4"))
        {
            html.Text($"pid {p.Pid} · ");
            html.Element("code", p.Command);
            html.Text(" · " + p.State);
        }
        var pages = p.Segments.SelectMany(s => s.Runs).Aggregate(0UL, (n, r) => n + r.Pages);
        var resident = p.Segments.SelectMany(s => s.Runs).Where(r => r.State != PageState.NotPresent).Aggregate(0UL, (n, r) => n + r.Pages);
        html.Element("div", $"{Fmt.Count(p.Segments.Count, "segment", "segments")} · {Fmt.Number((long)resident)} of {Fmt.Pages(pages)} resident · page size {Fmt.Bytes((ulong)p.PageSize)}", ("class", "ck-muted"));
        if (p.Threads.Count > 0)
        {
            using (html.Open("div", ("class", "ck-threads")))
            {
                html.Text(p.Threads.Count == 1 ? "thread: " : "threads: ");
                var first = true;
                foreach (var t in p.Threads)
                {
                    if (!first) html.Text("; ");
                    first = false;
                    html.Element("span", ThreadText(t), ("class", "ck-thread"), ("data-tid", t.Tid));
                }
            }
        }
    }

    private static string ThreadText(ThreadDiagram t) =>
        $"tid {t.Tid} {t.State}" + (t.Pc is { } pc ? $", PC at instruction {pc}" : "");

    internal static void SegmentsHtml(HtmlWriter html, ProcessDiagram p, IReadOnlyCollection<ulong>? highlight)
    {
        SegmentDiagram? above = null;
        foreach (var seg in p.Segments.OrderByDescending(s => s.Start))
        {
            if (above is not null && above.Start > seg.End)
                html.Element("div", $"unmapped gap · {Fmt.Bytes(above.Start - seg.End)}", ("class", "ck-gap"));
            above = seg;
            using (html.Open("div", ("class", "ck-seg"), ("data-kind", seg.Kind), ("data-start", Fmt.Address(seg.Start)), ("data-end", Fmt.Address(seg.End))))
            {
                using (html.Open("div", ("class", "ck-seg-head")))
                {
                    using (html.Open("span"))
                    {
                        html.Element("strong", seg.Kind);
                        if (seg.File is not null) { html.Text(" "); html.Element("code", seg.File); }
                    }
                    html.Element("span", $"{Fmt.Address(seg.Start)}–{Fmt.Address(seg.End)} {seg.Protection}", ("class", "ck-mono"));
                    html.Element("span", Fmt.Pages((seg.End - seg.Start) / (ulong)p.PageSize), ("class", "ck-muted"));
                }
                if (IsCode(seg, p))
                    foreach (var t in p.Threads.Where(t => t.Pc is not null))
                        html.Element("div", $"◀ PC of tid {t.Tid}: instruction {t.Pc}", ("class", "ck-pc"), ("data-mark", "pc"), ("data-tid", t.Tid));
                RunsHtml(html, p, seg, highlight);
            }
        }
    }

    private static void RunsHtml(HtmlWriter html, ProcessDiagram p, SegmentDiagram seg, IReadOnlyCollection<ulong>? highlight)
    {
        var runs = seg.Runs.Reverse().ToArray(); // top of the drawing = highest address
        var marks = Marks(p, highlight);
        var plan = Collapse.Plan(runs.Length, RunBudgetPerSegment, marks.Count == 0 ? null : i => marks.Any(m => runs[i].Contains(m.Page)));
        foreach (var slot in plan)
        {
            if (slot.IsCollapsed) { CollapsedHtml(html, runs.AsSpan(slot.Index, slot.Count)); continue; }
            var run = runs[slot.Index];
            var size = (ulong)p.PageSize;
            using (html.Open("div", ("class", "ck-run"), ("data-state", Palette.CssClass(run.State)[5..]), ("data-pages", run.Pages),
                       ("data-first-page", run.FirstPage), ("data-map-count", run.MapCount)))
            {
                html.Element("span", Palette.Letter(run.State), ("class", "ck-swatch " + Palette.CssClass(run.State)), ("title", Palette.Label(run.State)));
                html.Element("span", $"{Fmt.Address(run.FirstPage * size)}–{Fmt.Address(run.EndPage * size)}", ("class", "ck-mono"));
                html.Element("span", RunText(run));
                foreach (var mark in marks.Where(m => run.Contains(m.Page)))
                    html.Element("span", "◀ " + mark.Label, ("class", "ck-pc"), ("data-mark", mark.Kind));
            }
        }
    }

    private static void CollapsedHtml(HtmlWriter html, ReadOnlySpan<PageSpan> runs)
    {
        var pages = 0UL;
        var byState = new ulong[Enum.GetValues<PageState>().Length];
        foreach (var r in runs) { pages += r.Pages; byState[(int)r.State] += r.Pages; }
        using (html.Open("div", ("class", "ck-run ck-collapsed"), ("data-runs", runs.Length), ("data-pages", pages)))
        {
            html.Element("span", "…", ("class", "ck-swatch"));
            html.Element("span", $"{Fmt.Count(runs.Length, "run", "runs")} of {Fmt.Pages(pages)} collapsed:", ("class", "ck-muted"));
            foreach (var state in Enum.GetValues<PageState>().Where(s => byState[(int)s] > 0))
            {
                html.Element("span", Palette.Letter(state), ("class", "ck-swatch " + Palette.CssClass(state)));
                html.Element("span", $"{Fmt.Number((long)byState[(int)state])} {Palette.Label(state)}");
            }
        }
    }

    internal static string RunText(PageSpan run) =>
        $"{Fmt.Pages(run.Pages)} · {Palette.Label(run.State)}" +
        (run.FirstFrame is null ? "" : $" · {Fmt.Frames(run.FirstFrame, run.Pages)} · map count {run.MapCount}") +
        (run.Dirty ? " · dirty" : "");

    internal readonly record struct Mark(ulong Page, string Label, string Kind);

    /// <summary>The segment the program counters are drawn on: the first code segment (the program's text).</summary>
    internal static bool IsCode(SegmentDiagram seg, ProcessDiagram p) =>
        ReferenceEquals(seg, p.Segments.Where(s => s.Kind.StartsWith("code", StringComparison.Ordinal)).MinBy(s => s.Start));

    internal static IReadOnlyList<Mark> Marks(ProcessDiagram p, IReadOnlyCollection<ulong>? highlight)
    {
        var marks = new List<Mark>();
        foreach (var address in highlight ?? [])
            marks.Add(new Mark(address / (ulong)p.PageSize, Fmt.Address(address), "highlight"));
        return marks;
    }

    public static string Text(ProcessDiagram p, IReadOnlyCollection<ulong>? highlight = null)
    {
        var text = new StringBuilder();
        text.AppendLine($"pid {p.Pid} ({p.Command}) {p.State}");
        foreach (var t in p.Threads) text.AppendLine("  " + ThreadText(t));
        var marks = Marks(p, highlight);
        SegmentDiagram? above = null;
        foreach (var seg in p.Segments.OrderByDescending(s => s.Start))
        {
            if (above is not null && above.Start > seg.End) text.AppendLine($"  ~ unmapped gap {Fmt.Bytes(above.Start - seg.End)} ~");
            above = seg;
            text.AppendLine($"  {seg.Kind,-6} {Fmt.Address(seg.Start)}-{Fmt.Address(seg.End)} {seg.Protection}{(seg.File is null ? "" : " " + seg.File)}");
            if (IsCode(seg, p))
                foreach (var t in p.Threads.Where(t => t.Pc is not null)) text.AppendLine($"    <- PC of tid {t.Tid}: instruction {t.Pc}");
            var runs = seg.Runs.Reverse().ToArray();
            foreach (var slot in Collapse.Plan(runs.Length, RunBudgetPerSegment, marks.Count == 0 ? null : i => marks.Any(m => runs[i].Contains(m.Page))))
            {
                if (slot.IsCollapsed)
                {
                    var pages = runs.Skip(slot.Index).Take(slot.Count).Aggregate(0UL, (n, r) => n + r.Pages);
                    text.AppendLine($"    ... {Fmt.Count(slot.Count, "run", "runs")} of {Fmt.Pages(pages)} collapsed ...");
                    continue;
                }
                var run = runs[slot.Index];
                var size = (ulong)p.PageSize;
                text.Append($"    [{Palette.Letter(run.State)}] {Fmt.Address(run.FirstPage * size)}-{Fmt.Address(run.EndPage * size)} {RunText(run)}");
                foreach (var mark in marks.Where(m => run.Contains(m.Page))) text.Append(" <- " + mark.Label);
                text.AppendLine();
            }
        }
        text.Append(Legend.PageStatesText());
        return text.ToString();
    }
}

/// <summary>The legends: every view ends with one (colour, pattern and letter side by side with the words).</summary>
internal static class Legend
{
    public static void PageStates(HtmlWriter html, bool withPc = false, bool withFree = false)
    {
        using (html.Open("div", ("class", "ck-legend")))
        {
            foreach (var state in Enum.GetValues<PageState>())
                Item(html, Palette.Letter(state), "ck-swatch " + Palette.CssClass(state), Palette.Label(state));
            if (withFree) Item(html, "·", "ck-swatch ck-s-free", "free frame");
            if (withPc) Item(html, "◀", "ck-pc", "program counter (next instruction) or marked address");
        }
    }

    public static void Item(HtmlWriter html, string symbol, string cssClass, string label)
    {
        using (html.Open("span", ("class", "ck-legend-item")))
        {
            html.Element("span", symbol, ("class", cssClass));
            html.Text(label);
        }
    }

    public static string PageStatesText() =>
        "Legend: " + string.Join(" · ", Enum.GetValues<PageState>().Select(s => $"[{Palette.Letter(s)}] {Palette.Label(s)}"));
}
