using System.Text;
using CourseKit.Display;
using CourseKit.Views;

namespace CourseKit.Lessons;

/// <summary>How a check of a student's answer came out.</summary>
public enum CheckOutcome
{
    /// <summary>The answer is right.</summary>
    Passed,
    /// <summary>The answer is there but differs from what the simulator says: the result shows what differs and a hint.</summary>
    Failed,
    /// <summary>The exercise still holds its TODO stub (the answer is null): nothing to judge yet.</summary>
    NotDone,
}

/// <summary>One difference a failed check shows: what was looked at, what was expected, what the answer gave.</summary>
/// <param name="What">The thing compared ("lines printed", "shape of the tree").</param>
/// <param name="Expected">What the simulator (or the exercise) says.</param>
/// <param name="Yours">What the answer gave.</param>
public sealed record CheckDifference(string What, string Expected, string Yours);

/// <summary>
/// The outcome of one exercise check, as a small value that draws itself: a green "passed", a red box with
/// what differs and a hint, or a grey "not done yet" while the TODO stub is still in place. Checks never
/// throw at a student: a wrong answer, a program that does not compile or an answer of the wrong kind all
/// end up here as text.
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class CheckResult
{
    internal CheckResult(CheckOutcome outcome, string title, string message, IReadOnlyList<CheckDifference>? differences = null, string? hint = null)
    {
        Outcome = outcome;
        Title = title;
        Message = message;
        Differences = differences ?? [];
        Hint = string.IsNullOrWhiteSpace(hint) ? null : hint;
    }

    /// <summary>Passed, failed or not done yet.</summary>
    public CheckOutcome Outcome { get; }

    /// <summary>True when the answer is right.</summary>
    public bool Passed => Outcome == CheckOutcome.Passed;

    /// <summary>What was checked, in a few words ("how many hellos").</summary>
    public string Title { get; }

    /// <summary>One sentence for the student: why it passed, what is wrong, or what is still to do.</summary>
    public string Message { get; }

    /// <summary>What differs (empty unless the check failed on a comparison).</summary>
    public IReadOnlyList<CheckDifference> Differences { get; }

    /// <summary>A nudge shown with a failed (or not yet done) answer; never the answer itself.</summary>
    public string? Hint { get; }

    /// <summary>The value of the <c>data-check</c> attribute on the HTML view: passed, failed or not-done (tests read it).</summary>
    public string Marker => Outcome switch
    {
        CheckOutcome.Passed => "passed",
        CheckOutcome.Failed => "failed",
        _ => "not-done",
    };

    private string Badge => Outcome switch
    {
        CheckOutcome.Passed => "✔ passed",
        CheckOutcome.Failed => "✘ not yet right",
        _ => "… not done yet",
    };

    /// <summary>Plain text: "✔ passed · how many hellos: 8 lines, as the simulator printed".</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"{Badge} · {Title}: {Message}");
        foreach (var d in Differences) text.Append($"\n  {d.What}: expected {d.Expected}, yours {d.Yours}");
        if (Outcome != CheckOutcome.Passed && Hint is not null) text.Append("\n  hint: ").Append(Hint);
        return text.ToString();
    }

    internal string ToHtml()
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-check ck-check-" + Marker), ("data-check", Marker)))
        {
            html.Style(Theme.Sheet);
            html.Style(LessonTheme.Sheet);
            using (html.Open("div", ("class", "ck-check-head")))
            {
                html.Element("span", Badge, ("class", "ck-check-badge"));
                html.Element("strong", Title);
            }
            html.Element("div", Message, ("class", Message.Contains('\n', StringComparison.Ordinal) ? "ck-mono ck-pre" : null));
            if (Differences.Count > 0)
            {
                using (html.Open("table"))
                {
                    using (html.Open("thead")) using (html.Open("tr"))
                    {
                        html.Element("th", "");
                        html.Element("th", "expected");
                        html.Element("th", "yours");
                    }
                    using (html.Open("tbody"))
                    {
                        foreach (var d in Differences)
                        {
                            using (html.Open("tr"))
                            {
                                html.Element("th", d.What);
                                html.Element("td", d.Expected, ("class", "ck-mono ck-pre"));
                                html.Element("td", d.Yours, ("class", "ck-mono ck-pre"));
                            }
                        }
                    }
                }
            }
            if (Outcome != CheckOutcome.Passed && Hint is not null)
            {
                using (html.Open("div", ("class", "ck-check-hint")))
                {
                    html.Element("strong", "Hint: ");
                    html.Text(Hint);
                }
            }
        }
        return html.ToString();
    }
}
