using System.Globalization;
using System.Runtime.CompilerServices;
using CourseKit.Display;
using CourseKit.Views;

namespace CourseKit.Lessons;

/// <summary>
/// The HTML of the lesson values (checks, flashcards, the lab), registered when CourseKit.dll loads so a
/// plain <c>#r</c> is enough. Everything goes through the encoding <see cref="HtmlWriter"/>; no script.
/// </summary>
internal static class LessonViews
{
#pragma warning disable CA2255 // a library module initializer is the point: #r runs no extension code
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        DisplayRegistry.Register<CheckResult>(c => c.ToHtml(), c => c.ToString());
        DisplayRegistry.Register<FlashcardDeck>(Deck, d => d.ToString());
        DisplayRegistry.Register<LabFrame>(Frame, f => f.ToString());
        DisplayRegistry.Register<Lab>(l => Frame(l.Frame()), l => l.ToString());
        DisplayRegistry.Register<Comparison>(c => c.ToHtml(), c => c.ToString());
        DisplayRegistry.Register<Panels>(p => p.ToHtml(), p => p.ToString());
        DisplayRegistry.Register<ProcMaps>(m => m.ToHtml(), m => m.ToString());
        DisplayRegistry.Register<SmapsLog>(l => l.ToHtml(), l => l.ToString());
        DisplayRegistry.Register<Shell.ShellResult>(r => Terminal(r.ToString(), r.Outcome.ToString(), r.Status), r => r.ToString().TrimEnd());
        DisplayRegistry.Register<Shell.MiniShell>(s => Terminal(s.Transcript, "transcript", s.LastStatus), s => s.Transcript.TrimEnd());
    }

    /// <summary>A terminal: the shell's lines and output as text, with how the run ended and $?.</summary>
    internal static string Terminal(string text, string outcome, int status)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-terminal"), ("data-outcome", outcome)))
        {
            html.Style(Theme.Sheet);
            html.Style(LessonTheme.Sheet);
            html.Element("pre", text.TrimEnd(), ("class", "ck-mono ck-pre"));
            html.Element("div", $"{outcome} · $? = {status}", ("class", "ck-muted"));
        }
        return html.ToString();
    }

    internal static string Deck(FlashcardDeck deck)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-cards"), ("data-cards", deck.Count)))
        {
            html.Style(Theme.Sheet);
            html.Style(LessonTheme.Sheet);
            html.Element("h4", deck.Title);
            html.Element("div", "Answer each question in your head, then click it to see the answer.", ("class", "ck-muted"));
            foreach (var card in deck)
            {
                using (html.Open("details", ("class", "ck-card")))
                {
                    using (html.Open("summary")) html.TrustedFragment(new HtmlFragment(FlashcardText.ToHtml(card.Question)));
                    using (html.Open("div", ("class", "ck-card-answer"))) html.TrustedFragment(new HtmlFragment(FlashcardText.ToHtml(card.Answer)));
                }
            }
        }
        return html.ToString();
    }

    internal static string Frame(LabFrame f)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-lab"), ("data-threads", f.Threads.Length)))
        {
            html.Style(Theme.Sheet);
            html.Style(LessonTheme.Sheet);
            using (html.Open("h4"))
            {
                html.Element("code", f.ProgramName);
                html.Text(" · " + f.Status);
            }
            if (f.LastStep is not null) html.Element("div", "last step: " + f.LastStep, ("class", "ck-muted ck-mono"));
            using (html.Open("div", ("class", "ck-row")))
            {
                Listing(html, f);
                Threads(html, f);
            }
            if (f.Problem is not null) html.Element("div", f.Problem, ("class", "ck-bad ck-pre"));
            html.Element("div", "output", ("class", "ck-muted"));
            html.Element("div", f.Output.Length == 0 ? "(nothing yet)" : f.Output.TrimEnd('\n'), ("class", "ck-out"), ("data-output", true));
            html.Element("div", "processes", ("class", "ck-muted"));
            html.Element("div", f.Tree, ("class", "ck-out"));
        }
        return html.ToString();
    }

    private static void Listing(HtmlWriter html, LabFrame f)
    {
        using (html.Open("table", ("class", "ck-listing ck-mono")))
        using (html.Open("tbody"))
        {
            for (int i = 0; i < f.SourceLines.Length; i++)
            {
                var here = f.Marks.TryGetValue(i + 1, out var pids);
                using (html.Open("tr", ("class", here ? "ck-here" : null)))
                {
                    html.Element("td", (i + 1).ToString(CultureInfo.InvariantCulture), ("class", "ck-muted ck-num"));
                    html.Element("td", f.SourceLines[i], ("class", "ck-pre"));
                    html.Element("td", here ? "◀ " + string.Join(", ", pids) : "", ("class", "ck-pc"));
                }
            }
        }
    }

    private static void Threads(HtmlWriter html, LabFrame f)
    {
        if (f.Threads.Length == 0)
        {
            html.Element("div", "no thread left to run", ("class", "ck-muted"));
            return;
        }
        using (html.Open("table"))
        {
            using (html.Open("thead")) using (html.Open("tr"))
            {
                html.Element("th", "tid");
                html.Element("th", "runs");
                html.Element("th", "line", ("class", "ck-num"));
                html.Element("th", "variables");
            }
            using (html.Open("tbody"))
            {
                foreach (var t in f.Threads)
                {
                    using (html.Open("tr", ("data-tid", t.Tid.Value)))
                    {
                        html.Element("td", t.Tid.Value.ToString(CultureInfo.InvariantCulture), ("class", "ck-num"));
                        html.Element("td", t.Program.Name + (t.BlockedOn is null ? "" : $" (blocked: {t.BlockedOn})"));
                        html.Element("td", t.Position.Line.ToString(CultureInfo.InvariantCulture), ("class", "ck-num"));
                        html.Element("td", LabFrame.Variables(t), ("class", "ck-mono"));
                    }
                }
            }
        }
    }
}
