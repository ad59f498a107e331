using CourseKit.Programs.Syntax;

namespace CourseKit.Programs;

/// <summary>
/// A small hand-written recursive-descent parser for the C-like program language (one method per grammar
/// rule, so the grammar can be read from the code). It stops at the first error and reports its line and
/// column; semicolons may be left out at the end of a line, so notebook cells stay short.
/// </summary>
/// <remarks>
/// Grammar (informally):
/// <code>
/// program    := [type] main '(' ... ')' block | statement*
/// statement  := block | if | while | for | break | continue | return | declaration | expression ';'?
/// expression := assignment; assignment := conditional [('=' | '+=' ...) assignment]
/// conditional:= or ['?' expression ':' conditional]
/// then C's binary levels || &amp;&amp; | ^ &amp; == != &lt; &lt;= &gt; &gt;= &lt;&lt; &gt;&gt; + - * / %, unary ! - ~ &amp;, postfix ++ --,
/// primary    := number | string | name | name '(' args ')' | mem '[' expression ']' | '(' expression ')'
/// </code>
/// </remarks>
internal sealed class Parser
{
    private static readonly string[][] BinaryLevels =
    [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ];

    private static readonly HashSet<string> TypeWords = ["int", "long", "pid_t", "unsigned", "size_t", "void", "char", "uintptr_t", "intptr_t"];
    private static readonly HashSet<string> Keywords = ["if", "else", "while", "for", "break", "continue", "return", "mem"];
    private static readonly HashSet<string> AssignmentOperators = ["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="];

    private readonly List<Token> _tokens;
    private int _position;

    private Parser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses a whole program; throws <see cref="ParseError"/> at the first problem.</summary>
    public static BlockStatement ParseProgram(string text)
    {
        var parser = new Parser(new Lexer(text).Tokenize());
        return parser.Program();
    }

    private Token Current => _tokens[_position];

    private Token Peek(int ahead) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Take()
    {
        var token = Current;
        if (_position < _tokens.Count - 1) _position++;
        return token;
    }

    private BlockStatement Program()
    {
        var start = Current.Position;
        if (StartsMainFunction()) return MainFunction();
        var statements = new List<Statement>();
        while (Current.Kind != TokenKind.End) statements.Add(Statement());
        return new BlockStatement(start, statements);
    }

    private bool StartsMainFunction()
    {
        int i = 0;
        while (Peek(i).Kind == TokenKind.Identifier && TypeWords.Contains(Peek(i).Text)) i++;
        return Peek(i).IsWord("main") && Peek(i + 1).Is("(");
    }

    /// <summary><c>int main(int argc, char *argv[]) { ... }</c>: the parameters are accepted and ignored.</summary>
    private BlockStatement MainFunction()
    {
        while (!Current.IsWord("main")) Take();
        Take();
        Expect("(", "after 'main'");
        while (!Current.Is(")"))
        {
            if (Current.Kind == TokenKind.End) throw Error(Current, "expected ')' to close main's parameter list");
            Take();
        }
        Take();
        var body = Block();
        if (Current.Kind != TokenKind.End)
            throw Error(Current, $"only one function, main, is supported; found {Current.Describe()} after its closing '}}'");
        return body;
    }

    private Statement Statement()
    {
        var token = Current;
        if (token.Is("{")) return Block();
        if (token.Is(";")) { Take(); return new BlockStatement(token.Position, []); }
        if (token.Kind != TokenKind.Identifier) return ExpressionStatement();
        return token.Text switch
        {
            "if" => If(),
            "while" => While(),
            "for" => For(),
            "else" => throw Error(token, "'else' without an 'if' before it (check the braces of the if)"),
            "do" => throw Error(token, "do ... while loops are not supported; write while (condition) { ... }"),
            "break" => EndSimple(new BreakStatement(Take().Position)),
            "continue" => EndSimple(new ContinueStatement(Take().Position)),
            "return" => Return(),
            _ when TypeWords.Contains(token.Text) => Declaration(),
            _ => ExpressionStatement(),
        };
    }

    private BlockStatement Block()
    {
        var open = Expect("{", "to start a block");
        var statements = new List<Statement>();
        while (!Current.Is("}"))
        {
            if (Current.Kind == TokenKind.End)
                throw Error(Current, $"the '{{' at {open.Position} is never closed: add '}}'");
            statements.Add(Statement());
        }
        Take();
        return new BlockStatement(open.Position, statements);
    }

    private IfStatement If()
    {
        var keyword = Take();
        var condition = ParenthesizedCondition("if");
        var then = Statement();
        Statement? otherwise = null;
        if (Current.IsWord("else")) { Take(); otherwise = Statement(); }
        return new IfStatement(keyword.Position, condition, then, otherwise);
    }

    private WhileStatement While()
    {
        var keyword = Take();
        var condition = ParenthesizedCondition("while");
        return new WhileStatement(keyword.Position, condition, Statement());
    }

    private ForStatement For()
    {
        var keyword = Take();
        Expect("(", "after 'for'");
        Statement? init = null;
        if (!Current.Is(";"))
            init = Current.Kind == TokenKind.Identifier && TypeWords.Contains(Current.Text) ? DeclarationBody() : new ExpressionStatement(Current.Position, Expression());
        Expect(";", "after the first part of 'for (init; condition; step)'");
        var condition = Current.Is(";") ? null : Expression();
        Expect(";", "after the condition of 'for (init; condition; step)'");
        var step = Current.Is(")") ? null : Expression();
        Expect(")", "to close 'for (init; condition; step)'");
        return new ForStatement(keyword.Position, init, condition, step, Statement());
    }

    private Statement Return()
    {
        var keyword = Take();
        Expression? value = null;
        if (!Current.Is(";") && !Current.Is("}") && !Current.NewLineBefore && Current.Kind != TokenKind.End) value = Expression();
        return EndSimple(new ReturnStatement(keyword.Position, value));
    }

    private Statement Declaration() => EndSimple(DeclarationBody());

    /// <summary><c>int a = 1, b;</c> becomes assignments (a variable without a value starts at 0).</summary>
    private Statement DeclarationBody()
    {
        var start = Current.Position;
        while (Current.Kind == TokenKind.Identifier && TypeWords.Contains(Current.Text) || Current.Is("*")) Take();
        var parts = new List<Statement>();
        do
        {
            while (Current.Is("*")) Take();
            var name = ExpectName("a variable name in the declaration");
            if (Current.Is("["))
            {
                parts.AddRange(ArrayDeclaration(name));
                continue;
            }
            var target = new VariableReference(name.Position, name.Text);
            Expression value = new NumberLiteral(name.Position, 0);
            if (Current.Is("=")) { Take(); value = Assignment(); }
            parts.Add(new ExpressionStatement(name.Position, new Assignment(name.Position, target, null, value)));
        }
        while (TakeIf(","));
        return parts.Count == 1 ? parts[0] : new BlockStatement(start, parts);
    }

    /// <summary><c>int fd[2]</c>: registers fd[0] and fd[1], set to 0.</summary>
    private IEnumerable<Statement> ArrayDeclaration(Token name)
    {
        Take();
        var size = Current;
        if (size.Kind != TokenKind.Number || size.Number is < 1 or > 64)
            throw Error(size, $"the size of the array {name.Text} must be a number from 1 to 64");
        Take();
        Expect("]", $"after the size of the array {name.Text}");
        if (Current.Is("=")) throw Error(Current, "arrays cannot have an initializer here; assign the elements one by one");
        for (long i = 0; i < size.Number; i++)
        {
            var element = new VariableReference(name.Position, ElementName(name.Text, i));
            yield return new ExpressionStatement(name.Position, new Assignment(name.Position, element, null, new NumberLiteral(name.Position, 0)));
        }
    }

    private Statement ExpressionStatement()
    {
        var start = Current.Position;
        return EndSimple(new ExpressionStatement(start, Expression()));
    }

    /// <summary>A simple statement ends with ';', a new line, a '}', an 'else' or the end of the program.</summary>
    private T EndSimple<T>(T statement) where T : Statement
    {
        if (TakeIf(";")) return statement;
        if (Current.NewLineBefore || Current.Is("}") || Current.IsWord("else") || Current.Kind == TokenKind.End) return statement;
        throw Error(Current, $"expected ';' or a new line before {Current.Describe()}");
    }

    private Expression ParenthesizedCondition(string keyword)
    {
        Expect("(", $"after '{keyword}'");
        var condition = Expression();
        Expect(")", $"to close the condition of '{keyword}'");
        return condition;
    }

    private Expression Expression() => Assignment();

    private Expression Assignment()
    {
        var left = Conditional();
        if (Current.Kind != TokenKind.Punctuation || !AssignmentOperators.Contains(Current.Text)) return left;
        var op = Take();
        if (left is not (VariableReference or MemoryReference))
            throw Error(op, $"the left side of '{op.Text}' must be a variable or mem[address]");
        var value = Assignment();
        return new Assignment(op.Position, left, op.Text == "=" ? null : op.Text[..^1], value);
    }

    private Expression Conditional()
    {
        var condition = Binary(0);
        if (!Current.Is("?")) return condition;
        var question = Take();
        var whenTrue = Expression();
        Expect(":", "in 'condition ? a : b'");
        return new ConditionalExpression(question.Position, condition, whenTrue, Conditional());
    }

    private Expression Binary(int level)
    {
        if (level == BinaryLevels.Length) return Unary();
        var left = Binary(level + 1);
        while (Current.Kind == TokenKind.Punctuation && BinaryLevels[level].Contains(Current.Text))
        {
            var op = Take();
            left = new BinaryExpression(op.Position, op.Text, left, Binary(level + 1));
        }
        return left;
    }

    private Expression Unary()
    {
        var token = Current;
        if (token.Is("!") || token.Is("-") || token.Is("~")) { Take(); return new UnaryExpression(token.Position, token.Text, Unary()); }
        if (token.Is("+")) { Take(); return Unary(); }
        if (token.Is("&"))
        {
            Take();
            var name = ExpectName("a variable name after '&' (as in wait(&status))");
            return new AddressOf(token.Position, name.Text);
        }
        if (token.Is("++") || token.Is("--"))
            throw Error(token, $"write x{token.Text} or x {token.Text[0]}= 1 instead of {token.Text}x");
        return Postfix(Primary());
    }

    private Expression Postfix(Expression expression)
    {
        if (!Current.Is("++") && !Current.Is("--")) return expression;
        var op = Take();
        if (expression is not (VariableReference or MemoryReference))
            throw Error(op, $"'{op.Text}' needs a variable or mem[address]");
        return new PostIncrement(op.Position, expression, op.Text == "++" ? 1 : -1);
    }

    private Expression Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number: return new NumberLiteral(token.Position, token.Number);
            case TokenKind.String: return new StringLiteral(token.Position, token.Text);
            case TokenKind.Identifier: return NameOrCall(token);
        }
        if (token.Is("("))
        {
            var inner = Expression();
            Expect(")", $"to close the '(' at {token.Position}");
            return inner;
        }
        throw Error(token, $"expected a value (a number, a variable or a call) but found {token.Describe()}");
    }

    private Expression NameOrCall(Token name)
    {
        if (name.IsWord("mem"))
        {
            Expect("[", "after 'mem' (write mem[address])");
            var address = Expression();
            Expect("]", "to close mem[address]");
            return new MemoryReference(name.Position, address);
        }
        if (Keywords.Contains(name.Text) || TypeWords.Contains(name.Text))
            throw Error(name, $"expected a value but found the keyword '{name.Text}' (is a ')' or ';' missing before it?)");
        if (Current.Is("[")) return ArrayElement(name);
        if (!Current.Is("(")) return new VariableReference(name.Position, name.Text);
        Take();
        var arguments = new List<Expression>();
        if (!Current.Is(")"))
        {
            do arguments.Add(Expression());
            while (TakeIf(","));
        }
        Expect(")", $"to close the call of {name.Text}(...)");
        return new Call(name.Position, name.Text, arguments);
    }

    /// <summary>
    /// <c>fd[0]</c>: arrays are a few registers named fd[0], fd[1]... (enough for <c>int fd[2]; pipe(fd)</c>),
    /// so the index must be a constant; computed addresses use <c>mem[...]</c>.
    /// </summary>
    private VariableReference ArrayElement(Token name)
    {
        Take();
        var index = Current;
        if (index.Kind != TokenKind.Number || !Peek(1).Is("]"))
            throw Error(index, $"an array index must be a constant number, as in {name.Text}[0] (use mem[address] for computed addresses)");
        Take();
        Take();
        return new VariableReference(name.Position, ElementName(name.Text, index.Number));
    }

    internal static string ElementName(string array, long index) => $"{array}[{index}]";

    private bool TakeIf(string punctuation)
    {
        if (!Current.Is(punctuation)) return false;
        Take();
        return true;
    }

    private Token Expect(string punctuation, string why)
    {
        if (Current.Is(punctuation)) return Take();
        throw Error(Current, $"expected '{punctuation}' {why} but found {Current.Describe()}");
    }

    private Token ExpectName(string what)
    {
        if (Current.Kind == TokenKind.Identifier && !Keywords.Contains(Current.Text)) return Take();
        throw Error(Current, $"expected {what} but found {Current.Describe()}");
    }

    private static ParseError Error(Token at, string message) => new(at.Position, message);
}
