using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Views;

namespace CourseKit.Lessons;

/// <summary>One row of an <see cref="SmapsLog"/>: what /proc/PID/smaps said about a region at one moment.</summary>
/// <param name="Moment">What had just happened, in the lesson's words.</param>
/// <param name="Pid">Whose smaps.</param>
/// <param name="Smaps">The region's numbers (kB); all zero when the process is gone.</param>
/// <param name="CowCopies">Copy-on-write faults that copied a frame, taken by the process so far.</param>
/// <param name="CowReuses">Copy-on-write faults that only made the page writable again (last owner), so far.</param>
public sealed record SmapsRow(string Moment, Pid Pid, Smaps Smaps, long CowCopies, long CowReuses);

/// <summary>
/// A lesson's running table of smaps numbers for one memory region, laid out like the table in
/// linux-process-semantics.md (Rss, Pss, Shared/Private Clean/Dirty in kB) with the copy-on-write fault
/// counters next to them. Each <see cref="Record"/> reads a fresh snapshot, so the table is what the kernel
/// said at each moment, not a recomputation at the end.
/// </summary>
/// <remarks>The region is named by an address inside it: the segment (VMA) containing that address in each
/// process. After fork the child has the same VMA at the same address, so one address serves both.</remarks>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class SmapsLog
{
    private readonly Machine machine;
    private readonly List<SmapsRow> rows = [];

    /// <summary>Starts an empty log of the region containing <paramref name="region"/> on <paramref name="machine"/>.</summary>
    public SmapsLog(Machine machine, VirtualAddress region)
    {
        ArgumentNullException.ThrowIfNull(machine);
        this.machine = machine;
        Region = region;
    }

    /// <summary>An address inside the region being logged.</summary>
    public VirtualAddress Region { get; }

    /// <summary>The rows so far, oldest first.</summary>
    public IReadOnlyList<SmapsRow> Rows => rows;

    /// <summary>The latest row of <paramref name="pid"/>, or null when none was recorded.</summary>
    public SmapsRow? Last(Pid pid) => rows.LastOrDefault(r => r.Pid == pid);

    /// <summary>Adds one row per process in <paramref name="pids"/>, read from the machine now. Returns the log, so it draws itself.</summary>
    public SmapsLog Record(string moment, params Pid[] pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        var snapshot = machine.Snapshot();
        foreach (var pid in pids)
        {
            var process = snapshot.Processes.FirstOrDefault(p => p.Pid == pid);
            var segment = process?.Memory?.Segments.FirstOrDefault(s => s.Segment.Start.Value <= Region.Value && Region.Value < s.Segment.End.Value);
            rows.Add(new SmapsRow(moment, pid, segment?.Smaps ?? default, process?.Faults.CowCopy ?? 0, process?.Faults.CowReuse ?? 0));
        }
        return this;
    }

    private static readonly string[] Header = ["moment", "pid", "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "COW copies", "COW reuses"];

    private static string[] Cells(SmapsRow r) =>
    [
        r.Moment, r.Pid.Value.ToString(CultureInfo.InvariantCulture),
        .. new[] { r.Smaps.Rss, r.Smaps.Pss, r.Smaps.SharedClean, r.Smaps.SharedDirty, r.Smaps.PrivateClean, r.Smaps.PrivateDirty, r.CowCopies, r.CowReuses }
            .Select(n => n.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The table as text, one row per line (kB).</summary>
    public override string ToString()
    {
        var table = rows.Select(Cells).Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(i => table.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in table)
            text.AppendLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        return text.ToString().TrimEnd();
    }

    internal string ToHtml()
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-smapslog"), ("data-rows", rows.Count)))
        {
            html.Style(Theme.Sheet);
            html.Style(LessonTheme.Sheet);
            html.Element("div", $"smaps of the region at {Region} (kB), with copy-on-write faults so far", ("class", "ck-muted"));
            using (html.Open("table"))
            {
                using (html.Open("thead")) using (html.Open("tr"))
                    foreach (var h in Header) html.Element("th", h);
                using (html.Open("tbody"))
                    foreach (var r in rows)
                        using (html.Open("tr"))
                        {
                            var cells = Cells(r);
                            html.Element("th", cells[0]);
                            foreach (var c in cells.Skip(1)) html.Element("td", c, ("class", "ck-mono"));
                        }
            }
        }
        return html.ToString();
    }
}
