using CourseKit.Display;

namespace CourseKit.Views;

/// <summary>
/// A drawn view: its HTML (self-contained: inline CSS and SVG, no script) and its text twin. Ending a
/// notebook cell with one shows the HTML; <see cref="ToString"/> gives the text (terminals, diffs, tests).
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class View
{
    private readonly Func<string>? _makeText;
    private string? _text;

    internal View(string kind, string html, string text)
    {
        Kind = kind;
        Html = html;
        _text = text;
    }

    /// <summary>A view whose text form is drawn only when asked for: a notebook showing the HTML of a
    /// million-page process should not pay for the text twin too.</summary>
    internal View(string kind, string html, Func<string> text)
    {
        Kind = kind;
        Html = html;
        _makeText = text;
    }

    /// <summary>Which view this is ("process image", "side by side", ...).</summary>
    public string Kind { get; }

    /// <summary>The HTML form.</summary>
    public string Html { get; }

    /// <summary>The text/plain form.</summary>
    public string Text => _text ??= _makeText!();

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
        return new View(kind, html.ToString(), () => string.Join("\n\n", parts.Select(p => p.Text)));
    }
}
