using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace CourseKit.Runner;

/// <summary>
/// Writes the course as a static site that works with no network: an index page, one page per lesson
/// (markdown rendered with Markdig, the code, every output) and one copy of plotly.js beside them, taken
/// from the copy Plotly.NET embeds. Also writes each executed notebook.
/// </summary>
public static class SiteWriter
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>The MIME types a page can show, best first; an output shows the first one it has.</summary>
    private static readonly string[] MimePreference =
        ["text/html", "image/svg+xml", "image/png", "text/markdown", "text/plain", "application/json"];

    /// <summary>
    /// Writes <paramref name="results"/> under <paramref name="outputDirectory"/>: index.html, one HTML page and
    /// one executed notebook (notebooks/NAME.ipynb) per lesson, course.css and plotly.js.
    /// Returns the path of index.html.
    /// </summary>
    public static string Write(string outputDirectory, IReadOnlyList<LessonResult> results)
    {
        Directory.CreateDirectory(outputDirectory);
        Directory.CreateDirectory(Path.Combine(outputDirectory, "notebooks"));
        var plotly = WritePlotly(outputDirectory);
        File.WriteAllText(Path.Combine(outputDirectory, "course.css"), Css);

        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            File.WriteAllText(
                Path.Combine(outputDirectory, "notebooks", r.Lesson.Name + ".ipynb"),
                r.Notebook.ToJsonWithOutputs(r.Cells));
            var previous = i > 0 ? results[i - 1].Lesson : null;
            var next = i + 1 < results.Count ? results[i + 1].Lesson : null;
            File.WriteAllText(Path.Combine(outputDirectory, r.Lesson.Name + ".html"), LessonPage(r, plotly, previous, next));
        }

        var index = Path.Combine(outputDirectory, "index.html");
        File.WriteAllText(index, IndexPage(results));
        return index;
    }

    /// <summary>The name of the plotly.js file the pages load (written once, next to the pages).</summary>
    public static string WritePlotly(string outputDirectory)
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var resource = assembly.GetManifestResourceNames()
                           .SingleOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
                       ?? throw new InvalidOperationException(
                           $"bug: Plotly.NET {assembly.GetName().Version} embeds no plotly-*.min.js resource");
        var fileName = resource["Plotly.NET.".Length..];
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var file = File.Create(Path.Combine(outputDirectory, fileName));
        stream.CopyTo(file);
        return fileName;
    }

    private static string LessonPage(LessonResult result, string plotly, Lesson? previous, Lesson? next)
    {
        var html = new StringBuilder();
        var title = TitleOf(result);
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)} · CourseKit</title>
            <link rel="stylesheet" href="course.css">
            <script src="{Encode(plotly)}"></script>
            </head>
            <body>
            {Navigation(previous, next)}
            <main class="lesson" data-lesson="{Encode(result.Lesson.Name)}">

            """);
        if (!result.Succeeded)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"run-failed\">This lesson did not run cleanly: {Encode(result.FailureMessage!)}</p>\n");
        }

        foreach (var cell in result.Cells)
        {
            switch (cell.Cell.Kind)
            {
                case CellKind.Markdown:
                    html.Append(CultureInfo.InvariantCulture, $"<section class=\"cell markdown\" id=\"cell-{cell.Cell.Number}\">\n{RenderMarkdown(cell.Cell.Source)}</section>\n");
                    break;
                case CellKind.Code:
                    html.Append(CultureInfo.InvariantCulture, $"<section class=\"cell code{(cell.Failed ? " failed" : "")}\" id=\"cell-{cell.Cell.Number}\">\n");
                    html.Append(CultureInfo.InvariantCulture, $"<div class=\"input\"><span class=\"prompt\">In [{cell.ExecutionCount}]:</span><pre><code class=\"language-csharp\">{Encode(cell.Cell.Source)}</code></pre></div>\n");
                    foreach (var output in cell.Outputs)
                    {
                        html.Append("<div class=\"output\">").Append(RenderOutput(output)).Append("</div>\n");
                    }

                    html.Append("</section>\n");
                    break;
                default:
                    html.Append(CultureInfo.InvariantCulture, $"<section class=\"cell raw\"><pre>{Encode(cell.Cell.Source)}</pre></section>\n");
                    break;
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"</main>\n{Navigation(previous, next)}\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Navigation(Lesson? previous, Lesson? next)
    {
        var parts = new List<string> { "<a href=\"index.html\">All lessons</a>" };
        if (previous is not null)
        {
            parts.Add($"<a href=\"{Encode(previous.Name)}.html\">← {Encode(previous.Name)}</a>");
        }

        if (next is not null)
        {
            parts.Add($"<a href=\"{Encode(next.Name)}.html\">{Encode(next.Name)} →</a>");
        }

        return $"<nav>{string.Join(" · ", parts)}</nav>";
    }

    private static string IndexPage(IReadOnlyList<LessonResult> results)
    {
        var rows = new StringBuilder();
        foreach (var r in results)
        {
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr class="{(r.Succeeded ? "ok" : "failed")}">
                <td><a href="{Encode(r.Lesson.Name)}.html">{Encode(TitleOf(r))}</a></td>
                <td class="num">{r.CodeCells}</td>
                <td class="num">{r.Errors}</td>
                <td class="num">{r.Elapsed.TotalSeconds:0.0}</td>
                <td><a href="notebooks/{Encode(r.Lesson.Name)}.ipynb">executed notebook</a></td>
                </tr>

                """);
        }

        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>CourseKit: how Linux creates processes</title>
            <link rel="stylesheet" href="course.css">
            </head>
            <body>
            <main>
            <h1>CourseKit: how Linux creates processes</h1>
            <p>fork, exec, clone, wait and copy-on-write, explored in C# notebooks over a simulated kernel.
            These pages were produced by running every lesson from top to bottom; they work offline.</p>
            <table class="lessons">
            <thead><tr><th>Lesson</th><th>Code cells</th><th>Errors</th><th>Seconds</th><th>Notebook</th></tr></thead>
            <tbody>
            {rows}</tbody>
            </table>
            </main>
            </body>
            </html>

            """;
    }

    /// <summary>The lesson's title: the first markdown heading, or its name.</summary>
    private static string TitleOf(LessonResult result)
    {
        foreach (var cell in result.Cells.Where(c => c.Cell.Kind == CellKind.Markdown))
        {
            var heading = Markdig.Markdown.Parse(cell.Cell.Source, Markdown).Descendants<HeadingBlock>().FirstOrDefault();
            if (heading?.Inline is { } inline)
            {
                return string.Concat(inline.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
            }
        }

        return result.Lesson.Name;
    }

    /// <summary>Markdown to HTML; links to other notebooks point at their pages instead.</summary>
    private static string RenderMarkdown(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, Markdown);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.Url is { } url && !url.Contains("://", StringComparison.Ordinal) && url.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
            {
                link.Url = Path.GetFileNameWithoutExtension(url) + ".html";
            }
        }

        return document.ToHtml(Markdown);
    }

    private static string RenderOutput(CellOutput output) => output switch
    {
        ErrorOutput e => $"<pre class=\"error\">{Encode(e.Name)}: {Encode(e.Message)}</pre>",
        StreamOutput s => $"<pre class=\"stream {Encode(s.Name)}\">{Encode(s.Text)}</pre>",
        DisplayOutput d => RenderDisplay(d),
        _ => throw new InvalidOperationException($"bug: unknown output kind {output.GetType().Name}"),
    };

    private static string RenderDisplay(DisplayOutput display)
    {
        var mime = MimePreference.FirstOrDefault(display.Data.ContainsKey) ?? display.Data.Keys.FirstOrDefault();
        if (mime is null)
        {
            return "";
        }

        var value = display.Data[mime];
        return mime switch
        {
            // HTML and SVG are what the lesson's own views produced: the page shows them as the notebook does.
            "text/html" or "image/svg+xml" => value,
            "image/png" => $"<img alt=\"output\" src=\"data:image/png;base64,{Encode(value.Trim())}\">",
            "text/markdown" => RenderMarkdown(value),
            _ => $"<pre>{Encode(value)}</pre>",
        };
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; color: #222; line-height: 1.5; }
        nav { margin: 0.5rem 0 1rem; font-size: 0.9rem; }
        nav a { color: #0550ae; }
        .cell { margin: 1rem 0; }
        .cell.code .input { display: flex; gap: 0.5rem; align-items: flex-start; }
        .prompt { color: #0550ae; font-family: ui-monospace, monospace; font-size: 0.8rem; min-width: 4.5rem; padding-top: 0.6rem; }
        pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 0.5rem 0.75rem; overflow-x: auto; margin: 0; flex: 1; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.88rem; }
        .output { margin: 0.4rem 0 0 5rem; overflow-x: auto; }
        .output pre { background: #fff; }
        pre.error { background: #fff0f0; border-color: #e5534b; color: #a40e26; }
        pre.stderr { border-color: #e5534b; }
        .run-failed { background: #fff0f0; border: 1px solid #e5534b; padding: 0.5rem; }
        table.lessons { border-collapse: collapse; width: 100%; }
        table.lessons th, table.lessons td { border-bottom: 1px solid #d0d7de; padding: 0.3rem 0.6rem; text-align: left; }
        table.lessons td.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.lessons th, table.lessons td:not(:first-child) { white-space: nowrap; }
        tr.failed td { background: #fff0f0; }

        """;
}
