using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CourseKit.Lessons;

/// <summary>
/// The flashcards' one source, <c>lib/Lessons/flashcards.md</c>, read and written as text. This file is
/// compiled into the library (lessons draw the cards) and linked into the course runner (which writes the
/// Anki deck without loading the library), so both read the cards the same way.
/// </summary>
/// <remarks>
/// The format: <c>## NN-topic</c> starts a lesson's cards, <c>### question</c> starts a card and the lines below
/// it, up to the next heading, are the answer. In answers, <c>`code`</c> stays code and lines starting with
/// <c>- </c> are bullet points. Text before the first lesson heading is the file's own introduction.
/// </remarks>
internal static partial class FlashcardText
{
    /// <summary>The file name of the source (in lib/Lessons/, embedded in the library under this name).</summary>
    public const string FileName = "flashcards.md";

    /// <summary>
    /// Reads every card, in file order. Throws <see cref="FormatException"/> naming the line for a card
    /// outside a lesson, a card without an answer, a badly named lesson or a question asked twice.
    /// </summary>
    public static IReadOnlyList<(string Lesson, string Question, string Answer)> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var cards = new List<(string Lesson, string Question, string Answer)>();
        string? lesson = null;
        string? question = null;
        int questionLine = 0;
        var answer = new List<string>();

        void Finish()
        {
            if (question is null) return;
            var text = string.Join("\n", answer).Trim();
            if (text.Length == 0) throw new FormatException($"{FileName} line {questionLine}: the card '{question}' has no answer below it");
            if (cards.Any(c => c.Lesson == lesson && c.Question == question))
                throw new FormatException($"{FileName} line {questionLine}: lesson {lesson} already has the card '{question}'");
            cards.Add((lesson!, question, text));
            question = null;
            answer.Clear();
        }

        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                Finish();
                if (lesson is null) throw new FormatException($"{FileName} line {i + 1}: a card (###) before any lesson heading (## NN-topic)");
                question = line[4..].Trim();
                questionLine = i + 1;
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Finish();
                lesson = line[3..].Trim();
                if (!LessonName().IsMatch(lesson))
                    throw new FormatException($"{FileName} line {i + 1}: '{lesson}' is not a lesson name like 02-fork");
            }
            else if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                Finish();
                lesson = null;
            }
            else if (question is not null)
            {
                answer.Add(line);
            }
        }
        Finish();
        return cards;
    }

    /// <summary>
    /// Text of a question or an answer as HTML on one line (for a &lt;details&gt; view and for an Anki field, which
    /// may hold neither tabs nor line breaks): encoded, <c>`code`</c> as &lt;code&gt;, lines joined with &lt;br&gt;,
    /// "- " lines as bullets.
    /// </summary>
    public static string ToHtml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd().Replace('\t', ' '));
        return string.Join("<br>", lines.Select(l =>
        {
            var bullet = l.StartsWith("- ", StringComparison.Ordinal);
            var encoded = WebUtility.HtmlEncode(bullet ? l[2..] : l);
            encoded = Code().Replace(encoded, m => "<code>" + m.Groups[1].Value + "</code>");
            return bullet ? "• " + encoded : encoded;
        }));
    }

    /// <summary>A stable note ID for Anki, so importing a newer deck updates cards instead of duplicating them.</summary>
    public static string Guid(string lesson, string question)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(lesson + "\n" + question));
        return "coursekit-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>
    /// The cards as a text file Anki imports (File › Import): a comment line, Anki's file headers, then one
    /// tab-separated line per card: GUID, front, back (HTML), tags.
    /// </summary>
    public static string ToAnki(IEnumerable<(string Lesson, string Question, string Answer)> cards)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var text = new StringBuilder();
        text.Append("# CourseKit flashcards, one card per line (guid, front, back, tags). Import in Anki with File, Import.\n");
        text.Append("# Generated by the course runner from lib/Lessons/flashcards.md, so edit that file, not this one.\n");
        text.Append("#separator:tab\n#html:true\n#notetype:Basic\n#deck:CourseKit\n#guid column:1\n#tags column:4\n");
        foreach (var (lesson, question, answer) in cards)
        {
            text.Append(Guid(lesson, question)).Append('\t')
                .Append(ToHtml(question)).Append('\t')
                .Append(ToHtml(answer)).Append('\t')
                .Append("coursekit coursekit::").Append(lesson).Append('\n');
        }
        return text.ToString();
    }

    [GeneratedRegex(@"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex LessonName();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
