using System.Globalization;
using System.Text;

namespace CourseKit.Views;

/// <summary>
/// Two or more processes side by side with the physical frames between them: every run of pages is linked to
/// the frames it maps, and every frame box shows its map count. Sharing after fork (two links into one box,
/// ×2), a copy-on-write copy (a new box, ×1 on both sides) and a reuse (the same box, now ×1) are visible
/// at a glance. Inline SVG, no script.
/// </summary>
internal static class SideBySideView
{
    private const int RunBudgetPerSegment = 12;
    private const int ColumnWidth = 250, FrameWidth = 130, Gutter = 70, Row = 18, HeadHeight = 34, SegHead = 16, SegGap = 8;

    private sealed record Box(ProcessDiagram Process, PageSpan? Run, int X, int Y, string Label, PageState State, int RunsCollapsed);

    private sealed record FrameBox(long First, long Last, int MapCount, PageState State)
    {
        public int Y { get; set; }
        public string Label => (First == Last ? First.ToString(CultureInfo.InvariantCulture) : $"{First}–{Last}") + $"  ×{MapCount}";
    }

    public static string Html(IReadOnlyList<ProcessDiagram> processes)
    {
        if (processes.Count == 0) throw new ArgumentException("Side by side needs at least one process.", nameof(processes));
        var left = processes.Where((_, i) => i % 2 == 0).ToArray();
        var right = processes.Where((_, i) => i % 2 == 1).ToArray();
        var frameX = left.Length * (ColumnWidth + Gutter);
        var xs = new Dictionary<ProcessDiagram, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < left.Length; i++) xs[left[i]] = frameX - Gutter - ColumnWidth - i * (ColumnWidth + Gutter);
        for (var i = 0; i < right.Length; i++) xs[right[i]] = frameX + FrameWidth + Gutter + i * (ColumnWidth + Gutter);
        var width = frameX + FrameWidth + (right.Length == 0 ? 0 : right.Length * (ColumnWidth + Gutter));

        var boxes = new List<Box>();
        var heads = new List<(int X, int Y, string Text)>();
        var height = HeadHeight;
        foreach (var p in processes) height = Math.Max(height, Layout(p, xs[p], boxes, heads));
        var frames = FrameBoxes(boxes);
        for (var i = 0; i < frames.Count; i++) frames[i].Y = HeadHeight + i * Row;
        height = Math.Max(height, HeadHeight + frames.Count * Row) + 8;

        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-side-by-side"), ("data-processes", processes.Count), ("data-frames", frames.Count)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", "Pages and the frames they map: " + string.Join(", ", processes.Select(p => $"pid {p.Pid} ({p.Command})")));
            using (html.Open("svg", ("xmlns", "http://www.w3.org/2000/svg"), ("width", width), ("height", height),
                       ("viewBox", $"0 0 {width} {height}"), ("role", "img"), ("aria-label", "pages linked to physical frames")))
            {
                html.Element("text", "physical frames", ("x", frameX), ("y", 14), ("class", "ck-head"));
                html.Element("text", "number  ×map count", ("x", frameX), ("y", 28));
                foreach (var (x, y, text) in heads) html.Element("text", text, ("x", x), ("y", y), ("class", "ck-head"));
                foreach (var box in boxes) Links(html, box, frames, frameX, isLeft: box.X < frameX);
                foreach (var box in boxes) RunBox(html, box);
                foreach (var f in frames)
                {
                    using (html.Open("g", ("class", "ck-frame-box"), ("data-first", f.First), ("data-last", f.Last), ("data-map-count", f.MapCount)))
                    {
                        html.Empty("rect", ("x", frameX), ("y", f.Y), ("width", FrameWidth), ("height", Row - 3), ("rx", 2), ("class", "ck-box " + Palette.CssClass(f.State)));
                        html.Element("text", f.Label, ("x", frameX + 5), ("y", f.Y + 11), ("class", "ck-on-" + Palette.CssClass(f.State)[3..]));
                    }
                }
            }
            Legend.PageStates(html);
        }
        return html.ToString();
    }

    private static int Layout(ProcessDiagram p, int x, List<Box> boxes, List<(int, int, string)> heads)
    {
        heads.Add((x, 14, $"pid {p.Pid} {p.Command}"));
        heads.Add((x, 28, p.State));
        var y = HeadHeight;
        foreach (var seg in p.Segments.OrderByDescending(s => s.Start))
        {
            heads.Add((x, y + 11, $"{seg.Kind} {Fmt.Address(seg.Start)}"));
            y += SegHead;
            var runs = seg.Runs.Reverse().ToArray();
            foreach (var slot in Collapse.Plan(runs.Length, RunBudgetPerSegment))
            {
                if (slot.IsCollapsed)
                {
                    var pages = runs.Skip(slot.Index).Take(slot.Count).Aggregate(0UL, (n, r) => n + r.Pages);
                    boxes.Add(new Box(p, null, x, y, $"… {Fmt.Count(slot.Count, "run", "runs")}, {Fmt.Pages(pages)} (links omitted)", PageState.NotPresent, slot.Count));
                }
                else
                {
                    var run = runs[slot.Index];
                    boxes.Add(new Box(p, run, x, y, $"{Fmt.Address(run.FirstPage * (ulong)p.PageSize)} {Fmt.Pages(run.Pages)}", run.State, 0));
                }
                y += Row;
            }
            y += SegGap;
        }
        return y;
    }

    /// <summary>Splits the frame ranges the shown runs map into pieces no range partly covers, lowest first.</summary>
    private static List<FrameBox> FrameBoxes(List<Box> boxes)
    {
        var ranges = boxes.Where(b => b.Run?.FirstFrame is not null).Select(b => (First: b.Run!.FirstFrame!.Value, Last: b.Run.LastFrame!.Value, b.Run)).ToArray();
        var cuts = new SortedSet<long>();
        foreach (var r in ranges) { cuts.Add(r.First); cuts.Add(r.Last + 1); }
        var result = new List<FrameBox>();
        var sorted = cuts.ToArray();
        for (var i = 0; i + 1 < sorted.Length; i++)
        {
            long first = sorted[i], last = sorted[i + 1] - 1;
            var covering = ranges.Where(r => r.First <= first && r.Last >= last).ToArray();
            if (covering.Length == 0) continue;
            result.Add(new FrameBox(first, last, covering.Max(r => r.Run.MapCount), covering[0].Run.State));
        }
        return result;
    }

    private static void RunBox(HtmlWriter html, Box box)
    {
        var cls = Palette.CssClass(box.State);
        using (html.Open("g", ("class", box.Run is null ? "ck-run-box ck-collapsed" : "ck-run-box"), ("data-pid", box.Process.Pid),
                   ("data-state", box.Run is null ? null : cls[5..]), ("data-first-page", box.Run?.FirstPage), ("data-pages", box.Run?.Pages),
                   ("data-runs", box.RunsCollapsed == 0 ? null : box.RunsCollapsed)))
        {
            if (box.Run is not null)
            {
                html.Empty("rect", ("x", box.X), ("y", box.Y), ("width", 16), ("height", Row - 3), ("rx", 2), ("class", "ck-box " + cls));
                html.Element("text", Palette.Letter(box.State), ("x", box.X + 4), ("y", box.Y + 11), ("class", "ck-on-" + cls[3..]));
            }
            html.Element("text", box.Label, ("x", box.X + 20), ("y", box.Y + 11));
        }
    }

    private static void Links(HtmlWriter html, Box box, List<FrameBox> frames, int frameX, bool isLeft)
    {
        if (box.Run?.FirstFrame is not { } first) return;
        var last = box.Run.LastFrame!.Value;
        var x1 = isLeft ? box.X + ColumnWidth - 4 : box.X - 2;
        var x2 = isLeft ? frameX : frameX + FrameWidth;
        var y1 = box.Y + (Row - 3) / 2;
        foreach (var f in frames.Where(f => f.First >= first && f.Last <= last))
        {
            var y2 = f.Y + (Row - 3) / 2;
            var mid = (x1 + x2) / 2;
            html.Empty("path", ("d", $"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"), ("class", "ck-link"),
                ("data-pid", box.Process.Pid), ("data-frame", f.First));
        }
    }

    public static string Text(IReadOnlyList<ProcessDiagram> processes)
    {
        var text = new StringBuilder();
        var owners = new SortedDictionary<long, List<string>>();
        foreach (var p in processes)
        {
            text.AppendLine($"pid {p.Pid} ({p.Command}) {p.State}");
            foreach (var seg in p.Segments.OrderByDescending(s => s.Start))
            {
                var runs = seg.Runs.Reverse().ToArray();
                foreach (var slot in Collapse.Plan(runs.Length, RunBudgetPerSegment))
                {
                    if (slot.IsCollapsed) { text.AppendLine($"  {seg.Kind,-6} ... {Fmt.Count(slot.Count, "run", "runs")} collapsed"); continue; }
                    var r = runs[slot.Index];
                    text.AppendLine($"  {seg.Kind,-6} [{Palette.Letter(r.State)}] {Fmt.Address(r.FirstPage * (ulong)p.PageSize)} {Fmt.Pages(r.Pages)} -> {Fmt.Frames(r.FirstFrame, r.Pages)}");
                    if (r.FirstFrame is { } f)
                    {
                        if (!owners.TryGetValue(f, out var list)) owners[f] = list = [];
                        list.Add($"pid {p.Pid} {seg.Kind} ({Fmt.Pages(r.Pages)}, map count {r.MapCount})");
                    }
                }
            }
        }
        text.AppendLine("frames:");
        foreach (var (frame, list) in owners) text.AppendLine($"  {frame}: {string.Join("; ", list)}");
        text.Append(Legend.PageStatesText());
        return text.ToString();
    }
}
