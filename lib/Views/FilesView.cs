using System.Globalization;
using System.Text;
using CourseKit.Files;

namespace CourseKit.Views;

/// <summary>
/// The three tables of Unix I/O, linked: each process's fd table (fd → open file description), the open file
/// descriptions (shared offset, flags, reference count) and the pipes (bytes buffered, readers and writers).
/// Two fds pointing at one description after fork or dup2, a pipe end left open in the parent (the classic
/// hang: the reader never sees end-of-file) — all visible as lines. Inline SVG, no script.
/// </summary>
internal static class FilesView
{
    private const int FdWidth = 250, FileWidth = 280, PipeWidth = 230, Gutter = 60, Row = 18, TableHead = 18, TableGap = 10, Top = 30;
    private const int MaxFdsPerTable = 64;

    private static string KindClass(FileKind kind) => kind switch
    {
        FileKind.Terminal => "ck-s-code",
        FileKind.NullDevice or FileKind.Directory => "ck-s-absent",
        FileKind.Regular => "ck-s-private",
        FileKind.PipeReadEnd => "ck-s-vm",
        FileKind.PipeWriteEnd => "ck-s-cow",
        _ => "ck-s-absent",
    };

    private static string KindLetter(FileKind kind) => kind switch
    {
        FileKind.Terminal => "T",
        FileKind.NullDevice => "N",
        FileKind.Regular => "F",
        FileKind.Directory => "D",
        FileKind.PipeReadEnd => "r",
        FileKind.PipeWriteEnd => "w",
        _ => "?",
    };

    private static string KindLabel(FileKind kind) => kind switch
    {
        FileKind.Terminal => "terminal",
        FileKind.NullDevice => "/dev/null",
        FileKind.Regular => "regular file",
        FileKind.Directory => "directory",
        FileKind.PipeReadEnd => "pipe read end",
        FileKind.PipeWriteEnd => "pipe write end",
        _ => kind.ToString(),
    };

    private static string Pids(FdTableSnapshot t) =>
        t.Processes.Count == 0 ? "no live process" : string.Join(", ", t.Processes.Select(p => $"pid {p.Value}"));

    public static string Html(FilesSnapshot s)
    {
        var fileX = FdWidth + Gutter;
        var pipeX = fileX + FileWidth + Gutter;
        var width = pipeX + PipeWidth;
        var fdRows = new Dictionary<(int Table, int Fd), int>();
        var y = Top;
        var tableHeads = new List<(FdTableSnapshot Table, int Y)>();
        foreach (var t in s.Tables.OrderBy(t => t.Processes.Count == 0 ? int.MaxValue : t.Processes.Min(p => p.Value)))
        {
            tableHeads.Add((t, y));
            y += TableHead;
            foreach (var fd in t.Fds.Take(MaxFdsPerTable)) { fdRows[(t.Id, fd.Fd.Value)] = y; y += Row; }
            if (t.Fds.Count > MaxFdsPerTable) y += Row;
            y += TableGap;
        }
        var fileRows = s.OpenFiles.OrderBy(f => f.Id).Select((f, i) => (File: f, Y: Top + TableHead + i * Row)).ToArray();
        var pipeRows = s.Pipes.OrderBy(p => p.Id).Select((p, i) => (Pipe: p, Y: Top + TableHead + i * (Row * 3))).ToArray();
        var height = Math.Max(y, Math.Max(Top + TableHead + fileRows.Length * Row, Top + TableHead + pipeRows.Length * Row * 3)) + 8;

        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-files"), ("data-tables", s.Tables.Count), ("data-open-files", s.OpenFiles.Count), ("data-pipes", s.Pipes.Count)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", $"Files at time {s.Time}: {Fmt.Count(s.Tables.Count, "fd table", "fd tables")}, {Fmt.Count(s.OpenFiles.Count, "open file description", "open file descriptions")}, {Fmt.Count(s.Pipes.Count, "pipe", "pipes")}");
            using (html.Open("svg", ("xmlns", "http://www.w3.org/2000/svg"), ("width", width), ("height", height), ("viewBox", $"0 0 {width} {height}"),
                       ("role", "img"), ("aria-label", "fd tables linked to open file descriptions and pipes")))
            {
                html.Element("text", "fd tables (per process)", ("x", 0), ("y", 14), ("class", "ck-head"));
                html.Element("text", "open file descriptions", ("x", fileX), ("y", 14), ("class", "ck-head"));
                html.Element("text", "pipes", ("x", pipeX), ("y", 14), ("class", "ck-head"));
                // links first, boxes on top
                foreach (var t in s.Tables)
                    foreach (var fd in t.Fds.Take(MaxFdsPerTable))
                        if (fileRows.FirstOrDefault(f => f.File.Id == fd.OpenFileId) is { File: not null } target)
                            Link(html, FdWidth - 2, fdRows[(t.Id, fd.Fd.Value)], fileX, target.Y, ("data-fd", $"{t.Id}:{fd.Fd.Value}"), ("data-open-file", fd.OpenFileId));
                foreach (var (file, fy) in fileRows)
                    if (pipeRows.FirstOrDefault(p => p.Pipe.Name == file.Name) is { Pipe: not null } pipe)
                        Link(html, fileX + FileWidth - 2, fy, pipeX, pipe.Y + Row / 2, ("data-open-file", file.Id), ("data-pipe", pipe.Pipe.Id));
                foreach (var (t, ty) in tableHeads)
                {
                    using (html.Open("g", ("class", "ck-fd-table"), ("data-table", t.Id), ("data-pids", string.Join(" ", t.Processes.Select(p => p.Value)))))
                    {
                        html.Element("text", $"table {t.Id}: {Pids(t)}", ("x", 0), ("y", ty + 12), ("class", "ck-head"));
                        foreach (var fd in t.Fds.Take(MaxFdsPerTable))
                        {
                            var fy = fdRows[(t.Id, fd.Fd.Value)];
                            using (html.Open("g", ("class", "ck-fd"), ("data-fd", fd.Fd.Value), ("data-open-file", fd.OpenFileId), ("data-cloexec", fd.CloseOnExec ? "true" : "false")))
                            {
                                html.Empty("rect", ("x", 0), ("y", fy), ("width", FdWidth), ("height", Row - 3), ("rx", 2), ("class", "ck-box ck-s-absent"));
                                html.Element("text", $"{fd.Fd.Value,2} → {fd.Target}{(fd.CloseOnExec ? " (cloexec)" : "")}", ("x", 5), ("y", fy + 11));
                            }
                        }
                        if (t.Fds.Count > MaxFdsPerTable)
                            html.Element("text", $"… {t.Fds.Count - MaxFdsPerTable} more fds", ("x", 5), ("y", fdRows.Where(k => k.Key.Table == t.Id).Max(k => k.Value) + Row + 11));
                    }
                }
                foreach (var (file, fy) in fileRows)
                {
                    using (html.Open("g", ("class", "ck-open-file"), ("data-id", file.Id), ("data-references", file.References), ("data-offset", file.Offset)))
                    {
                        var cls = KindClass(file.Kind);
                        html.Empty("rect", ("x", fileX), ("y", fy), ("width", 16), ("height", Row - 3), ("rx", 2), ("class", "ck-box " + cls));
                        html.Element("text", KindLetter(file.Kind), ("x", fileX + 4), ("y", fy + 11), ("class", "ck-on-" + cls[3..]));
                        html.Element("text", $"#{file.Id} {file.Name} {file.Flags} off {file.Offset} refs {file.References}", ("x", fileX + 20), ("y", fy + 11));
                    }
                }
                foreach (var (pipe, py) in pipeRows)
                {
                    using (html.Open("g", ("class", "ck-pipe"), ("data-id", pipe.Id), ("data-readers", pipe.Readers), ("data-writers", pipe.Writers)))
                    {
                        html.Empty("rect", ("x", pipeX), ("y", py), ("width", PipeWidth), ("height", Row * 3 - 6), ("rx", 3), ("class", "ck-box ck-s-absent"));
                        html.Element("text", $"{pipe.Name}: {pipe.Buffered.Length}/{pipe.Capacity} bytes", ("x", pipeX + 5), ("y", py + 12));
                        html.Element("text", $"readers {pipe.Readers} · writers {pipe.Writers}" + (pipe.Writers == 0 ? " (EOF)" : "") + (pipe.Readers == 0 ? " (SIGPIPE)" : ""), ("x", pipeX + 5), ("y", py + 26));
                        var buffered = pipe.Buffered.Length > 24 ? pipe.Buffered[..24] + "…" : pipe.Buffered;
                        html.Element("text", $"\"{buffered.Replace("\n", "\\n", StringComparison.Ordinal)}\"", ("x", pipeX + 5), ("y", py + 40));
                    }
                }
            }
            using (html.Open("div", ("class", "ck-legend")))
            {
                foreach (var kind in Enum.GetValues<FileKind>())
                    Legend.Item(html, KindLetter(kind), "ck-swatch " + KindClass(kind), KindLabel(kind));
                html.Element("span", "refs = fd slots pointing at the description (shared offset); a pipe reader sees end-of-file only when writers is 0", ("class", "ck-muted"));
            }
        }
        return html.ToString();
    }

    private static void Link(HtmlWriter html, int x1, int y1, int x2, int y2, (string, object?) a, (string, object?) b)
    {
        var mid = (x1 + x2) / 2;
        y1 += (Row - 3) / 2;
        y2 += (Row - 3) / 2;
        html.Empty("path", ("d", $"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"), ("class", "ck-link"), a, b);
    }

    public static string Text(FilesSnapshot s)
    {
        var text = new StringBuilder();
        text.AppendLine($"Files at time {s.Time}");
        foreach (var t in s.Tables)
        {
            text.AppendLine($"  fd table {t.Id} ({Pids(t)})");
            foreach (var fd in t.Fds) text.AppendLine($"    {fd.Fd.Value,3} -> #{fd.OpenFileId} {fd.Target}{(fd.CloseOnExec ? " (cloexec)" : "")}");
        }
        text.AppendLine("  open file descriptions");
        foreach (var f in s.OpenFiles.OrderBy(f => f.Id))
            text.AppendLine($"    #{f.Id} [{KindLetter(f.Kind)}] {f.Name} {f.Flags} offset {f.Offset.ToString(CultureInfo.InvariantCulture)} refs {f.References}");
        if (s.Pipes.Count > 0) text.AppendLine("  pipes");
        foreach (var p in s.Pipes.OrderBy(p => p.Id))
            text.AppendLine($"    {p.Name} {p.Buffered.Length}/{p.Capacity} bytes, readers {p.Readers}, writers {p.Writers}");
        return text.ToString().TrimEnd();
    }
}
