using System.Text;
using System.Text.Encodings.Web;

namespace CourseKit.Views;

/// <summary>
/// The one place views write HTML (and inline SVG). Text and attribute values always go through
/// <see cref="HtmlEncoder"/>, so a process named <c>&lt;img src=x onerror=alert(1)&gt;</c> shows as text;
/// tag and attribute names come from code and are checked. There is no "raw" method for user data: the only
/// unencoded output is the view's own constant style sheet and fragments other renderers built (see
/// <see cref="TrustedFragment"/>).
/// </summary>
internal sealed class HtmlWriter
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder builder = new();
    private readonly Stack<string> open = new();

    /// <summary>Characters written so far (views use it to keep a size budget).</summary>
    public int Length => builder.Length;

    /// <summary>Opens an element; dispose the result (or call <see cref="Close"/>) to close it.</summary>
    public Scope Open(string tag, params (string Name, object? Value)[] attributes)
    {
        WriteStartTag(tag, attributes);
        open.Push(tag);
        return new Scope(this);
    }

    /// <summary>Closes the innermost open element.</summary>
    public HtmlWriter Close()
    {
        builder.Append("</").Append(open.Pop()).Append('>');
        return this;
    }

    /// <summary>Writes an element holding only (encoded) text.</summary>
    public HtmlWriter Element(string tag, string? text, params (string Name, object? Value)[] attributes)
    {
        WriteStartTag(tag, attributes);
        Text(text);
        builder.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Writes an element with no content (for example an SVG rect); self-closed for SVG parsers.</summary>
    public HtmlWriter Empty(string tag, params (string Name, object? Value)[] attributes)
    {
        WriteStartTag(tag, attributes, selfClose: true);
        return this;
    }

    /// <summary>Writes encoded text.</summary>
    public HtmlWriter Text(string? text)
    {
        if (!string.IsNullOrEmpty(text)) builder.Append(Encoder.Encode(text));
        return this;
    }

    /// <summary>Writes the view's constant style sheet (never user data).</summary>
    public HtmlWriter Style(StyleSheet sheet)
    {
        builder.Append("<style>").Append(sheet.Css).Append("</style>");
        return this;
    }

    /// <summary>Embeds HTML that a registered renderer produced (it was built by a writer like this one, so
    /// it is already encoded): how a filmstrip holds the views of its frames.</summary>
    public HtmlWriter TrustedFragment(HtmlFragment fragment)
    {
        builder.Append(fragment.Html);
        return this;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (open.Count != 0) throw new InvalidOperationException($"HTML writer bug: <{open.Peek()}> was never closed.");
        return builder.ToString();
    }

    private void WriteStartTag(string tag, (string Name, object? Value)[] attributes, bool selfClose = false)
    {
        CheckName(tag);
        builder.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null || value is false) continue;
            CheckName(name);
            builder.Append(' ').Append(name);
            if (value is true) continue;
            builder.Append("=\"");
            builder.Append(Encoder.Encode(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            builder.Append('"');
        }
        builder.Append(selfClose ? "/>" : ">");
    }

    private static void CheckName(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ':' or '_'))
            throw new ArgumentException($"'{name}' is not a valid tag or attribute name.", nameof(name));
    }

    /// <summary>Closes its element when disposed.</summary>
    public readonly struct Scope(HtmlWriter writer) : IDisposable
    {
        /// <summary>Closes the element.</summary>
        public void Dispose() => writer.Close();
    }
}

/// <summary>A style sheet written by the library itself (a constant), the only unencoded text views emit.</summary>
internal sealed record StyleSheet(string Css);

/// <summary>HTML produced by one of the library's renderers, safe to embed in another view.</summary>
internal sealed record HtmlFragment(string Html);
