using System.Collections.Immutable;
using System.Text;

namespace CourseKit.Shell;

/// <summary>
/// One word of a command line after quote removal. Its parts remember whether <c>$?</c> in them is expanded
/// (unquoted and double-quoted text) or literal (single-quoted text): expansion happens when the command runs,
/// so <c>false; echo $?</c> sees false's status.
/// </summary>
public sealed record Word(ImmutableArray<WordPart> Parts)
{
    /// <summary>The word with <c>$?</c> replaced by <paramref name="lastStatus"/>.</summary>
    public string Expand(int lastStatus) => string.Concat(Parts.Select(p =>
        p.Expands ? p.Text.Replace("$?", lastStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) : p.Text));

    /// <summary>The word as typed, without quotes.</summary>
    public override string ToString() => string.Concat(Parts.Select(p => p.Text));
}

/// <summary>A piece of a word: text, and whether <c>$?</c> expands in it.</summary>
public readonly record struct WordPart(string Text, bool Expands);

/// <summary>How a redirection opens its file.</summary>
public enum RedirectionKind
{
    /// <summary><c>&lt; file</c>: fd 0 reads the file.</summary>
    Input,
    /// <summary><c>&gt; file</c>: fd 1 writes the file, truncated first.</summary>
    Output,
    /// <summary><c>&gt;&gt; file</c>: fd 1 appends to the file.</summary>
    Append,
}

/// <summary>A redirection of one command (<c>&gt; out.txt</c>).</summary>
public sealed record Redirection(RedirectionKind Kind, Word Target);

/// <summary>One simple command: its words (argv before expansion) and its redirections.</summary>
public sealed record SimpleCommand(ImmutableArray<Word> Words, ImmutableArray<Redirection> Redirections)
{
    /// <summary>"ls -l &gt; out".</summary>
    public override string ToString() => string.Join(" ", Words.Select(w => w.ToString())
        .Concat(Redirections.Select(r => (r.Kind switch { RedirectionKind.Input => "< ", RedirectionKind.Output => "> ", _ => ">> " }) + r.Target)));
}

/// <summary>Commands joined by <c>|</c>, run in the foreground or (ending in <c>&amp;</c>) in the background.</summary>
public sealed record Pipeline(ImmutableArray<SimpleCommand> Commands, bool Background)
{
    /// <summary>"ls | wc -l &amp;", as jobs shows it.</summary>
    public override string ToString() => string.Join(" | ", Commands.Select(c => c.ToString())) + (Background ? " &" : "");
}

/// <summary>
/// A parsed command line: pipelines separated by <c>;</c> or <c>&amp;</c>. The grammar is a small subset of
/// POSIX sh: words with '…' and "…" quoting, <c>$?</c>, <c>|</c>, <c>&amp;</c>, <c>;</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&gt;&gt;</c>.
/// </summary>
public sealed record CommandLine(string Text, ImmutableArray<Pipeline> Pipelines)
{
    /// <summary>Parses <paramref name="text"/>, or returns the error message bash would print (without "sh: ").</summary>
    public static CommandLine Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        var tokens = Tokenize(text, ref error);
        if (error is not null) return new CommandLine(text, []);
        var pipelines = ImmutableArray.CreateBuilder<Pipeline>();
        var commands = ImmutableArray.CreateBuilder<SimpleCommand>();
        var words = ImmutableArray.CreateBuilder<Word>();
        var redirections = ImmutableArray.CreateBuilder<Redirection>();
        for (int i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            switch (token.Operator)
            {
                case null:
                    words.Add(token.Word!);
                    break;
                case "<" or ">" or ">>":
                    if (i + 1 >= tokens.Count || tokens[i + 1].Operator is { } next)
                    {
                        error = $"syntax error near unexpected token `{(i + 1 < tokens.Count ? tokens[i + 1].Operator : "newline")}'";
                        return new CommandLine(text, []);
                    }
                    var kind = token.Operator switch { "<" => RedirectionKind.Input, ">" => RedirectionKind.Output, _ => RedirectionKind.Append };
                    redirections.Add(new Redirection(kind, tokens[++i].Word!));
                    break;
                case "&&" or "||":
                    error = $"`{token.Operator}' is not supported by this mini shell (use ; and check $?)";
                    return new CommandLine(text, []);
                default: // | ; &
                    if (words.Count == 0)
                    {
                        error = $"syntax error near unexpected token `{token.Operator}'";
                        return new CommandLine(text, []);
                    }
                    commands.Add(new SimpleCommand(words.ToImmutable(), redirections.ToImmutable()));
                    words.Clear();
                    redirections.Clear();
                    if (token.Operator == "|")
                    {
                        if (i + 1 >= tokens.Count)
                        {
                            error = "syntax error: a command must follow `|'";
                            return new CommandLine(text, []);
                        }
                        break;
                    }
                    pipelines.Add(new Pipeline(commands.ToImmutable(), Background: token.Operator == "&"));
                    commands.Clear();
                    break;
            }
        }
        if (words.Count > 0) commands.Add(new SimpleCommand(words.ToImmutable(), redirections.ToImmutable()));
        else if (redirections.Count > 0) { error = "syntax error: a redirection needs a command"; return new CommandLine(text, []); }
        if (commands.Count > 0) pipelines.Add(new Pipeline(commands.ToImmutable(), Background: false));
        return new CommandLine(text, pipelines.ToImmutable());
    }

    private sealed record Token(string? Operator, Word? Word);

    private static List<Token> Tokenize(string text, ref string? error)
    {
        var tokens = new List<Token>();
        var parts = ImmutableArray.CreateBuilder<WordPart>();
        var current = new StringBuilder();
        bool inWord = false;

        void FlushPart(bool expands)
        {
            if (current.Length > 0) parts.Add(new WordPart(current.ToString(), expands));
            current.Clear();
        }
        void EndWord()
        {
            FlushPart(true);
            if (inWord) tokens.Add(new Token(null, new Word(parts.ToImmutable())));
            parts.Clear();
            inWord = false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { EndWord(); continue; }
            if (c is '|' or '&' or ';' or '<' or '>')
            {
                EndWord();
                string op = c.ToString();
                if (i + 1 < text.Length && (c, text[i + 1]) is ('&', '&') or ('|', '|') or ('>', '>')) op += text[++i];
                tokens.Add(new Token(op, null));
                continue;
            }
            if (c is '\'' or '"')
            {
                int end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    error = $"unexpected end of line while looking for the matching `{c}'";
                    return tokens;
                }
                FlushPart(true);
                current.Append(text, i + 1, end - i - 1);
                inWord = true;
                FlushPart(expands: c == '"');
                i = end;
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        EndWord();
        return tokens;
    }
}
