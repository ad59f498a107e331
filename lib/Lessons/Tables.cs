using System.Globalization;
using System.Text;
using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using CourseKit.Views;

namespace CourseKit.Lessons;

/// <summary>
/// A two-column comparison ("before exec" / "after exec"), one row per fact, each row marked same or
/// changed: what a lesson shows instead of printing two dumps one after the other.
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Comparison
{
    private Comparison(string left, string right, IReadOnlyList<(string What, string Left, string Right)> rows)
    {
        Left = left;
        Right = right;
        Rows = rows;
    }

    /// <summary>The left column's heading.</summary>
    public string Left { get; }

    /// <summary>The right column's heading.</summary>
    public string Right { get; }

    /// <summary>The facts, as text.</summary>
    public IReadOnlyList<(string What, string Left, string Right)> Rows { get; }

    /// <summary>
    /// Builds a comparison: <c>Comparison.Of("before exec", "after exec", ("PID", a.Pid, b.Pid), ("program", a.Command, b.Command))</c>.
    /// Values are shown as text (lists joined with spaces).
    /// </summary>
    public static Comparison Of(string left, string right, params (string What, object? Left, object? Right)[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new Comparison(left, right, [.. rows.Select(r => (r.What, Check.Show(r.Left), Check.Show(r.Right)))]);
    }

    /// <summary>
    /// The page-table work of two calls side by side, one row per counter of <see cref="PageTableWork"/>:
    /// <c>Comparison.Of("Linux's fork", "on-demand fork", linuxWork, onDemandWork)</c>. Take each work as the
    /// difference of <c>m.Memory.PageTableWork</c> across the call.
    /// </summary>
    public static Comparison Of(string left, string right, PageTableWork leftWork, PageTableWork rightWork) =>
        Of(left, right,
            ("page-table pages copied", leftWork.TablesCopied, rightWork.TablesCopied),
            ("page-table pages shared", leftWork.TablesShared, rightWork.TablesShared),
            ("entries copied", leftWork.EntriesCopied, rightWork.EntriesCopied),
            ("map counts updated", leftWork.MapCountUpdates, rightWork.MapCountUpdates));

    /// <summary>One line per fact, with "same" or "changed".</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"{"",-16} {Left,-24} {Right,-24}\n");
        foreach (var (what, l, r) in Rows) text.Append(CultureInfo.InvariantCulture, $"{what,-16} {l,-24} {r,-24} {(l == r ? "same" : "changed")}\n");
        return text.ToString().TrimEnd();
    }

    internal string ToHtml()
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-compare")))
        {
            html.Style(Theme.Sheet);
            html.Style(LessonTheme.Sheet);
            using (html.Open("table"))
            {
                using (html.Open("thead")) using (html.Open("tr"))
                {
                    html.Element("th", "");
                    html.Element("th", Left);
                    html.Element("th", Right);
                    html.Element("th", "");
                }
                using (html.Open("tbody"))
                {
                    foreach (var (what, l, r) in Rows)
                    {
                        using (html.Open("tr", ("data-same", l == r)))
                        {
                            html.Element("th", what);
                            html.Element("td", l, ("class", "ck-mono ck-pre"));
                            html.Element("td", r, ("class", "ck-mono ck-pre"));
                            html.Element("td", l == r ? "same" : "changed", ("class", l == r ? "ck-muted" : "ck-pc"));
                        }
                    }
                }
            }
        }
        return html.ToString();
    }
}

/// <summary>Several values drawn next to each other, each under a caption (wrapping on narrow screens).</summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Panels
{
    private Panels(IReadOnlyList<(string Caption, object Value)> items) => Items = items;

    /// <summary>The captioned values, left to right.</summary>
    public IReadOnlyList<(string Caption, object Value)> Items { get; }

    /// <summary><c>Panels.Row(("simulated", view1), ("real Linux", view2))</c>.</summary>
    public static Panels Row(params (string Caption, object Value)[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new Panels(items);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join("\n\n", Items.Select(i => $"== {i.Caption} ==\n{DisplayRegistry.Render(i.Value, DisplayRegistry.PlainText) ?? i.Value.ToString()}"));

    internal string ToHtml()
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-panels")))
        {
            html.Style(Theme.Sheet);
            using (html.Open("div", ("class", "ck-row")))
            {
                foreach (var (caption, value) in Items)
                {
                    using (html.Open("div", ("class", "ck-panel"), ("style", "flex:1 1 480px;min-width:0")))
                    {
                        html.Element("h4", caption);
                        if (DisplayRegistry.Render(value, DisplayRegistry.Html) is { } inner) html.TrustedFragment(new HtmlFragment(inner));
                        else html.Element("pre", value.ToString());
                    }
                }
            }
        }
        return html.ToString();
    }
}

/// <summary>One line of a real <c>/proc/PID/maps</c>, with what the mapping is in the course's words.</summary>
/// <param name="Start">First address.</param>
/// <param name="End">Address just past the end.</param>
/// <param name="Permissions">r, w, x and p (private) or s (shared), as Linux prints them.</param>
/// <param name="Offset">Offset in the file (hex text).</param>
/// <param name="Path">The file or the kernel's name for the area ([heap], [stack], [vdso]), or empty.</param>
/// <param name="Kind">The course's name for it: code, read-only data, data, bss, heap, stack, kernel-provided, anonymous mmap.</param>
public sealed record MapsLine(ulong Start, ulong End, string Permissions, string Offset, string Path, string Kind)
{
    /// <summary>Size in KiB.</summary>
    public ulong KiB => (End - Start) / 1024;
}

/// <summary>
/// A real process's <c>/proc/PID/maps</c>, read into lines and drawn as a table that names each mapping
/// (code, data, heap, stack...), so it can sit next to the simulated process image.
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class ProcMaps
{
    private ProcMaps(string title, IReadOnlyList<MapsLine> lines)
    {
        Title = title;
        Lines = lines;
    }

    /// <summary>What the maps are of.</summary>
    public string Title { get; }

    /// <summary>The mappings, lowest address first (the order of the file).</summary>
    public IReadOnlyList<MapsLine> Lines { get; }

    /// <summary>
    /// Reads the text of a maps file. Throws <see cref="FormatException"/> naming the line that is not a maps line.
    /// </summary>
    public static ProcMaps Parse(string text, string title = "/proc/PID/maps")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<MapsLine>();
        string? previousFile = null;
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            if (raw.Trim().Length == 0) continue;
            var fields = raw.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var range = fields.Length >= 5 ? fields[0].Split('-') : [];
            if (range.Length != 2
                || !ulong.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
                || fields[1].Length != 4)
                throw new FormatException($"line {number} is not a maps line (start-end perms offset dev inode [path]): '{raw}'");
            var path = fields.Length == 6 ? fields[5].Trim() : "";
            var kind = KindOf(fields[1], path, previousFile);
            previousFile = path.StartsWith('/') ? path : null;
            lines.Add(new MapsLine(start, end, fields[1], fields[2], path, kind));
        }
        return new ProcMaps(title, lines);
    }

    /// <summary>
    /// The maps captured from real Linux that the course ships (datasets/maps): the static C program by default,
    /// or the dynamically linked one (<paramref name="staticBinary"/> false), titled with the kernel they came from.
    /// </summary>
    public static ProcMaps Real(bool staticBinary = true)
    {
        var maps = Tracing.Strace.RealKernel.Maps();
        var text = staticBinary ? maps.Static ?? throw new InvalidOperationException("the datasets have no maps of a static program (static.maps is missing)") : maps.Dynamic;
        return Parse(text, $"/proc/PID/maps of a {(staticBinary ? "static" : "dynamically linked")} C program (Linux {maps.Provenance.Kernel})");
    }

    private static string KindOf(string perms, string path, string? previousFile) => path switch
    {
        "[heap]" => "heap",
        "[stack]" => "stack",
        "[vdso]" or "[vsyscall]" or "[vvar]" or "[vvar_vclock]" => "kernel-provided",
        _ when path.StartsWith('/') && perms[2] == 'x' => "code",
        _ when path.StartsWith('/') && perms[1] == 'w' => "data",
        _ when path.StartsWith('/') => "read-only data",
        "" when previousFile is not null && perms.StartsWith("rw", StringComparison.Ordinal) => "bss (zeroed data)",
        _ => "anonymous mmap",
    };

    /// <summary>The first line whose kind is <paramref name="kind"/> ("code", "heap", "stack"...), or null.</summary>
    public MapsLine? Find(string kind) => Lines.FirstOrDefault(l => l.Kind == kind);

    /// <summary>The lines as Linux prints them, with the kind at the end.</summary>
    public override string ToString() =>
        Title + "\n" + string.Join("\n", Lines.Select(l => $"{l.Start:x8}-{l.End:x8} {l.Permissions} {l.Path,-24} {l.Kind}"));

    internal string ToHtml()
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-maps"), ("data-lines", Lines.Count)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", Title);
            using (html.Open("table"))
            {
                using (html.Open("thead")) using (html.Open("tr"))
                {
                    html.Element("th", "addresses");
                    html.Element("th", "perms");
                    html.Element("th", "size", ("class", "ck-num"));
                    html.Element("th", "file or name");
                    html.Element("th", "what it is");
                }
                using (html.Open("tbody"))
                {
                    foreach (var l in Lines)
                    {
                        using (html.Open("tr", ("data-kind", l.Kind)))
                        {
                            html.Element("td", $"{l.Start:x}–{l.End:x}", ("class", "ck-mono"));
                            html.Element("td", l.Permissions, ("class", "ck-mono"));
                            html.Element("td", $"{l.KiB.ToString("N0", CultureInfo.InvariantCulture)} KiB", ("class", "ck-num"));
                            html.Element("td", l.Path.StartsWith('/') ? l.Path[(l.Path.LastIndexOf('/') + 1)..] : l.Path, ("class", "ck-mono"), ("title", l.Path));
                            html.Element("td", l.Kind);
                        }
                    }
                }
            }
            html.Element("div", "Lowest address first, as the file lists them. Permissions: r read, w write, x execute, p private (copy-on-write).", ("class", "ck-muted"));
        }
        return html.ToString();
    }
}

/// <summary>Small measurements lessons ask about (answers are computed, never typed in).</summary>
public static class Measure
{
    /// <summary>How many pages of a segment of <paramref name="pid"/> are present (backed by a frame) in the snapshot.</summary>
    public static int PresentPages(MachineSnapshot machine, Pid pid, SegmentKind kind)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var memory = machine[pid]?.Memory ?? throw new ArgumentException($"process {pid.Value} has no memory in this snapshot (it is gone or a zombie)", nameof(pid));
        var segments = memory.Segments.Where(s => s.Segment.Kind == kind).Select(s => s.Segment).ToList();
        return memory.Pages.Count(p => segments.Any(s => s.Contains(p.Page.Address(machine.PageSize))));
    }
}
