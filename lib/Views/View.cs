using CourseKit.Display;

namespace CourseKit.Views;

/// <summary>
/// A drawn view: its HTML (self-contained: inline CSS and SVG, no script) and its text twin. Ending a
/// notebook cell with one shows the HTML; <see cref="ToString"/> gives the text (terminals, diffs, tests).
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class View
{
    internal View(string kind, string html, string text)
    {
        Kind = kind;
        Html = html;
        Text = text;
    }

    /// <summary>Which view this is ("process image", "side by side", ...).</summary>
    public string Kind { get; }

    /// <summary>The HTML form.</summary>
    public string Html { get; }

    /// <summary>The text/plain form.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Several views in one output, sharing one copy of the style sheet.</summary>
    internal static View Compose(string kind, params View[] parts)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck-stack"), ("data-kind", kind)))
        {
            html.Style(Theme.Sheet);
            foreach (var part in parts) html.TrustedFragment(new HtmlFragment(Theme.WithoutSheet(part.Html)));
        }
        return new View(kind, html.ToString(), string.Join("\n\n", parts.Select(p => p.Text)));
    }
}
