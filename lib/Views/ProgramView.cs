using CourseKit.Programs;

namespace CourseKit.Views;

/// <summary>
/// A program listing with the program counters on it: one row per instruction, its source line, and a
/// marker for every thread whose PC is there. After a fork the parent's and the child's markers sit on the
/// same row: fork returned twice. Compile errors show like a C compiler prints them, caret included.
/// </summary>
internal static class ProgramView
{
    public const int RowBudget = 200;

    public static string Html(ProgramListing listing, string? output = null)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-listing"), ("data-program", listing.Program.Name)))
        {
            html.Style(Theme.Sheet);
            Body(html, listing);
            if (output is not null)
            {
                html.Element("h4", "output");
                html.Element("pre", output.Length == 0 ? "(nothing printed yet)" : output, ("class", "ck-output"));
            }
            Legend(html);
        }
        return html.ToString();
    }

    internal static void Body(HtmlWriter html, ProgramListing listing)
    {
        var lines = listing.Lines.ToArray();
        using (html.Open("h4"))
        {
            html.Text("program ");
            html.Element("code", listing.Program.Name);
            html.Text($" · {Fmt.Count(lines.Length, "instruction", "instructions")}");
        }
        using (html.Open("table"))
        {
            using (html.Open("thead")) using (html.Open("tr"))
            {
                html.Element("th", "PC", ("class", "ck-num"));
                html.Element("th", "instruction");
                html.Element("th", "source");
                html.Element("th", "threads here");
            }
            using (html.Open("tbody"))
            {
                string? previousSource = null;
                foreach (var slot in Collapse.Plan(lines.Length, RowBudget, i => lines[i].Threads.Length > 0))
                {
                    if (slot.IsCollapsed)
                    {
                        using (html.Open("tr", ("class", "ck-collapsed"), ("data-rows", slot.Count)))
                            html.Element("td", $"… {Fmt.Count(slot.Count, "instruction", "instructions")} with no thread", ("colspan", 4), ("class", "ck-muted"));
                        previousSource = null;
                        continue;
                    }
                    var (pc, instruction, source, threads) = lines[slot.Index];
                    using (html.Open("tr", ("class", threads.Length > 0 ? "ck-current" : null), ("data-pc", pc), ("data-threads", threads.Length)))
                    {
                        html.Element("td", pc.ToString(System.Globalization.CultureInfo.InvariantCulture), ("class", "ck-num"));
                        html.Element("td", instruction, ("class", "ck-mono"));
                        if (source == previousSource) html.Element("td", "〃", ("class", "ck-muted"), ("title", "same source line"));
                        else html.Element("td", source, ("class", "ck-mono"));
                        previousSource = source;
                        using (html.Open("td"))
                            foreach (var t in threads) html.Element("span", "◀ " + t + " ", ("class", "ck-pc ck-thread-marker"));
                    }
                }
            }
        }
    }

    internal static void Legend(HtmlWriter html)
    {
        using (html.Open("div", ("class", "ck-legend")))
        {
            Views.Legend.Item(html, "◀", "ck-pc", "a thread's PC: the next instruction it runs (highlighted row)");
            html.Element("span", "after fork, parent and child sit on the same instruction: fork returned twice", ("class", "ck-muted"));
        }
    }

    public static string Html(ProgramCompilation compilation)
    {
        if (compilation.Program is { } program) return Html(program.Listing());
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-diagnostics"), ("data-errors", compilation.Diagnostics.Count)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", $"the program does not compile: {Fmt.Count(compilation.Diagnostics.Count, "error", "errors")}", ("class", "ck-bad"));
            foreach (var d in compilation.Diagnostics)
            {
                using (html.Open("div", ("class", "ck-diagnostic"), ("data-line", d.Position.Line), ("data-column", d.Position.Column)))
                {
                    html.Element("div", $"✗ {d.Position}: {d.Message}", ("class", "ck-bad"));
                    html.Element("pre", d.SourceLine + "\n" + new string(' ', Math.Max(0, d.Position.Column - 1)) + "^", ("class", "ck-mono"));
                }
            }
        }
        return html.ToString();
    }

    public static string Html(SchedulerSnapshot s)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-scheduler"), ("data-time", s.Time)))
        {
            html.Style(Theme.Sheet);
            html.Element("h4", $"time {s.Time} · {Fmt.Count(s.Steps, "step", "steps")} · {s.Policy}" + (s.Current is { } c ? $" · on the CPU: pid {c.Value}" : ""));
            using (html.Open("div", ("class", "ck-row")))
                foreach (var listing in s.Listings)
                    using (html.Open("div")) Body(html, listing);
            html.Element("h4", "output");
            html.Element("pre", s.Output.Length == 0 ? "(nothing printed yet)" : s.Output, ("class", "ck-output"));
            Legend(html);
        }
        return html.ToString();
    }
}
