namespace CourseKit.Programs.Syntax;

/// <summary>
/// The syntax tree of a program as the instructor wrote it. It exists only between the parser and the
/// compiler: the machine runs the flat instruction list (<see cref="CourseKit.Programs.Instruction"/>), because
/// a program counter must be a plain index to make "fork returns twice, at the same place" literal.
/// </summary>
public abstract record Node(SourcePosition Position);

/// <summary>A statement: something that runs for its effect.</summary>
public abstract record Statement(SourcePosition Position) : Node(Position);

/// <summary><c>{ a; b; }</c></summary>
public sealed record BlockStatement(SourcePosition Position, IReadOnlyList<Statement> Statements) : Statement(Position);

/// <summary>An expression run for its side effects, e.g. <c>fork();</c> or <c>x = 1;</c>.</summary>
public sealed record ExpressionStatement(SourcePosition Position, Expression Expression) : Statement(Position);

/// <summary><c>if (condition) then else otherwise</c></summary>
public sealed record IfStatement(SourcePosition Position, Expression Condition, Statement Then, Statement? Else) : Statement(Position);

/// <summary><c>while (condition) body</c></summary>
public sealed record WhileStatement(SourcePosition Position, Expression Condition, Statement Body) : Statement(Position);

/// <summary><c>for (init; condition; step) body</c>; every part but the body may be missing.</summary>
public sealed record ForStatement(SourcePosition Position, Statement? Init, Expression? Condition, Expression? Step, Statement Body) : Statement(Position);

/// <summary><c>break;</c> leaves the innermost loop.</summary>
public sealed record BreakStatement(SourcePosition Position) : Statement(Position);

/// <summary><c>continue;</c> jumps to the innermost loop's next round.</summary>
public sealed record ContinueStatement(SourcePosition Position) : Statement(Position);

/// <summary><c>return n;</c> from main: like C, it calls exit(n) (which flushes stdio).</summary>
public sealed record ReturnStatement(SourcePosition Position, Expression? Value) : Statement(Position);

/// <summary>An expression: something with a value.</summary>
public abstract record Expression(SourcePosition Position) : Node(Position);

/// <summary>A number; <see cref="Name"/> keeps a symbolic constant's name (SIGKILL) for the listing.</summary>
public sealed record NumberLiteral(SourcePosition Position, long Value, string? Name = null) : Expression(Position);

/// <summary>A string, only allowed as an argument of print/printf/exec.</summary>
public sealed record StringLiteral(SourcePosition Position, string Value) : Expression(Position);

/// <summary>A local variable (a register of the thread that runs the program).</summary>
public sealed record VariableReference(SourcePosition Position, string Name) : Expression(Position);

/// <summary><c>mem[address]</c>: a word of the process's memory (goes through the page table).</summary>
public sealed record MemoryReference(SourcePosition Position, Expression Address) : Expression(Position);

/// <summary><c>&amp;status</c>: only as the status argument of wait/waitpid.</summary>
public sealed record AddressOf(SourcePosition Position, string Name) : Expression(Position);

/// <summary><c>target = value</c> (also <c>+=</c> and friends, with <see cref="Operator"/> set).</summary>
public sealed record Assignment(SourcePosition Position, Expression Target, string? Operator, Expression Value) : Expression(Position);

/// <summary><c>x++</c> / <c>x--</c>: the value is the old one, as in C.</summary>
public sealed record PostIncrement(SourcePosition Position, Expression Target, int Delta) : Expression(Position);

/// <summary><c>!a</c>, <c>-a</c>, <c>~a</c>.</summary>
public sealed record UnaryExpression(SourcePosition Position, string Operator, Expression Operand) : Expression(Position);

/// <summary>
/// <c>a op b</c>. For <c>&amp;&amp;</c> and <c>||</c> the right side runs only when needed (C's short-circuit),
/// which is why <c>(fork() &amp;&amp; fork()) || fork()</c> makes 5 processes and not 8.
/// </summary>
public sealed record BinaryExpression(SourcePosition Position, string Operator, Expression Left, Expression Right) : Expression(Position);

/// <summary><c>c ? a : b</c>, evaluated lazily like C.</summary>
public sealed record ConditionalExpression(SourcePosition Position, Expression Condition, Expression WhenTrue, Expression WhenFalse) : Expression(Position);

/// <summary>A call of a built-in function or system call, e.g. <c>fork()</c> or <c>waitpid(pid, &amp;s, WNOHANG)</c>.</summary>
public sealed record Call(SourcePosition Position, string Name, IReadOnlyList<Expression> Arguments) : Expression(Position);
