using System.Globalization;
using System.Text;

namespace CourseKit.Programs;

internal enum TokenKind { Identifier, Number, String, Punctuation, End }

/// <summary>One token with where it starts; <see cref="NewLineBefore"/> lets a statement end without ';'.</summary>
internal sealed record Token(TokenKind Kind, string Text, SourcePosition Position, bool NewLineBefore)
{
    public long Number { get; init; }

    public bool Is(string punctuation) => Kind == TokenKind.Punctuation && Text == punctuation;

    public bool IsWord(string word) => Kind == TokenKind.Identifier && Text == word;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the program",
        TokenKind.String => $"the string \"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits program text into tokens. C-like: // and /* */ comments, '#' preprocessor lines are ignored
/// (so pasted C with #include still reads), decimal and 0x numbers, double-quoted strings with \n \t \" \\.
/// </summary>
internal sealed class Lexer(string text)
{
    private static readonly string[] Punctuations =
    [
        "<<=", ">>=", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "++", "--", "+=", "-=", "*=", "/=", "%=",
        "&=", "|=", "^=", "(", ")", "{", "}", "[", "]", ";", ",", "=", "+", "-", "*", "/", "%", "!", "~", "&",
        "|", "^", "<", ">", "?", ":",
    ];

    private int _index;
    private int _line = 1;
    private int _column = 1;
    private bool _newLine = true;

    /// <summary>All tokens, ending with one <see cref="TokenKind.End"/> token.</summary>
    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipBlanksAndComments();
            var start = new SourcePosition(_line, _column);
            if (_index >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", start, true));
                return tokens;
            }
            tokens.Add(ReadToken(start));
            _newLine = false;
        }
    }

    private Token ReadToken(SourcePosition start)
    {
        char c = text[_index];
        if (char.IsLetter(c) || c == '_') return ReadIdentifier(start);
        if (char.IsDigit(c)) return ReadNumber(start);
        if (c == '"') return ReadString(start);
        foreach (var p in Punctuations)
        {
            if (string.CompareOrdinal(text, _index, p, 0, p.Length) == 0)
            {
                Advance(p.Length);
                return new Token(TokenKind.Punctuation, p, start, _newLine);
            }
        }
        throw new ParseError(start, $"unexpected character '{c}'");
    }

    private Token ReadIdentifier(SourcePosition start)
    {
        int begin = _index;
        while (_index < text.Length && (char.IsLetterOrDigit(text[_index]) || text[_index] == '_')) Advance(1);
        return new Token(TokenKind.Identifier, text[begin.._index], start, _newLine);
    }

    private Token ReadNumber(SourcePosition start)
    {
        int begin = _index;
        while (_index < text.Length && (char.IsLetterOrDigit(text[_index]) || text[_index] == '_')) Advance(1);
        var raw = text[begin.._index];
        if (!TryParseNumber(raw.Replace("_", ""), out long value))
            throw new ParseError(start, $"'{raw}' is not a number (write decimal like 42 or hexadecimal like 0x1000)");
        return new Token(TokenKind.Number, raw, start, _newLine) { Number = value };
    }

    private static bool TryParseNumber(string digits, out long value)
    {
        value = 0;
        if (!digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
            return false;
        value = unchecked((long)bits);
        return true;
    }

    private Token ReadString(SourcePosition start)
    {
        var sb = new StringBuilder();
        Advance(1);
        while (true)
        {
            if (_index >= text.Length || text[_index] == '\n')
                throw new ParseError(start, "this string is not closed: add the closing '\"' on the same line");
            char c = text[_index];
            Advance(1);
            if (c == '"') return new Token(TokenKind.String, sb.ToString(), start, _newLine);
            if (c != '\\') { sb.Append(c); continue; }
            sb.Append(ReadEscape(start));
        }
    }

    private char ReadEscape(SourcePosition start)
    {
        if (_index >= text.Length) throw new ParseError(start, "this string ends with a lone '\\'");
        char e = text[_index];
        Advance(1);
        return e switch
        {
            'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', '0' => '\0', 'r' => '\r',
            _ => throw new ParseError(new SourcePosition(_line, _column - 2), $"unknown escape '\\{e}' (use \\n, \\t, \\\", \\\\)"),
        };
    }

    private void SkipBlanksAndComments()
    {
        while (_index < text.Length)
        {
            char c = text[_index];
            if (char.IsWhiteSpace(c)) Advance(1);
            else if (c == '#' && AtLineStart()) SkipToEndOfLine();
            else if (Next("//")) SkipToEndOfLine();
            else if (Next("/*")) SkipBlockComment();
            else return;
        }
    }

    private bool AtLineStart()
    {
        for (int i = _index - 1; i >= 0 && text[i] != '\n'; i--)
            if (!char.IsWhiteSpace(text[i])) return false;
        return true;
    }

    private bool Next(string s) => string.CompareOrdinal(text, _index, s, 0, s.Length) == 0;

    private void SkipToEndOfLine()
    {
        while (_index < text.Length && text[_index] != '\n') Advance(1);
    }

    private void SkipBlockComment()
    {
        var start = new SourcePosition(_line, _column);
        Advance(2);
        while (!Next("*/"))
        {
            if (_index >= text.Length) throw new ParseError(start, "this comment is not closed: add '*/'");
            Advance(1);
        }
        Advance(2);
    }

    private void Advance(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (text[_index] == '\n') { _line++; _column = 1; _newLine = true; }
            else _column++;
            _index++;
        }
    }
}
