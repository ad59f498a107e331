using CourseKit.Programs.Syntax;

namespace CourseKit.Programs;

/// <summary>
/// Turns the syntax tree into a flat list of three-address instructions, so a program counter is a plain
/// index and one instruction is one scheduling step. Conditions compile to jumps ("jumping code"), which
/// makes C's short-circuit literal: the right side of <c>&amp;&amp;</c> is an instruction that may be jumped over.
/// </summary>
internal sealed class Compiler
{
    private sealed class Label
    {
        public int Address = -1;
        public readonly List<int> Uses = [];
    }

    private sealed record Loop(Label Break, Label Continue);

    private readonly List<Instruction> _code = [];
    private readonly List<(int Index, Label Label)> _fixups = [];
    private readonly Stack<Loop> _loops = new();
    private readonly HashSet<string> _variables;
    private int _temporaries;

    private Compiler(HashSet<string> variables) => _variables = variables;

    /// <summary>Compiles a parsed program; throws <see cref="ParseError"/> for a semantic mistake.</summary>
    public static IReadOnlyList<Instruction> Compile(BlockStatement program, SourcePosition end, out IReadOnlyList<string> variables)
    {
        var names = AssignedNames.Collect(program);
        var compiler = new Compiler(names);
        compiler.Statement(program);
        compiler.Emit(new CallInstruction(end, null, Builtins.All["exit"], [new Constant(0)]));
        variables = [.. names.Order(StringComparer.Ordinal)];
        return compiler.Resolve();
    }

    private IReadOnlyList<Instruction> Resolve()
    {
        foreach (var (index, label) in _fixups)
        {
            _code[index] = _code[index] switch
            {
                JumpInstruction j => j with { Target = label.Address },
                BranchInstruction b => b with { Target = label.Address },
                var other => throw new InvalidOperationException($"bug: fixup on {other}"),
            };
        }
        return _code.ToArray();
    }

    private int Emit(Instruction instruction)
    {
        _code.Add(instruction);
        return _code.Count - 1;
    }

    private void Place(Label label) => label.Address = _code.Count;

    private void JumpTo(SourcePosition at, Label label) => _fixups.Add((Emit(new JumpInstruction(at, -1)), label));

    private void BranchTo(SourcePosition at, Operand left, string op, Operand right, Label label) =>
        _fixups.Add((Emit(new BranchInstruction(at, left, op, right, -1)), label));

    private Register Temporary() => new($"%t{++_temporaries}");

    // ---- statements ----

    private void Statement(Statement statement)
    {
        switch (statement)
        {
            case BlockStatement block: foreach (var s in block.Statements) Statement(s); break;
            case ExpressionStatement e: Effect(e.Expression); break;
            case IfStatement i: If(i); break;
            case WhileStatement w: While(w); break;
            case ForStatement f: For(f); break;
            case BreakStatement b: JumpTo(b.Position, InnermostLoop(b.Position, "break").Break); break;
            case ContinueStatement c: JumpTo(c.Position, InnermostLoop(c.Position, "continue").Continue); break;
            case ReturnStatement r: Return(r); break;
            default: throw new InvalidOperationException($"bug: unknown statement {statement}");
        }
    }

    private Loop InnermostLoop(SourcePosition at, string keyword) =>
        _loops.Count > 0 ? _loops.Peek() : throw new ParseError(at, $"'{keyword}' is only allowed inside a while or for loop");

    private void If(IfStatement statement)
    {
        var otherwise = new Label();
        JumpUnless(statement.Condition, otherwise);
        Statement(statement.Then);
        if (statement.Else is null)
        {
            Place(otherwise);
            return;
        }
        var end = new Label();
        JumpTo(statement.Else.Position, end);
        Place(otherwise);
        Statement(statement.Else);
        Place(end);
    }

    private void While(WhileStatement statement)
    {
        var top = new Label();
        var end = new Label();
        Place(top);
        JumpUnless(statement.Condition, end);
        LoopBody(statement.Body, new Loop(end, top));
        JumpTo(statement.Position, top);
        Place(end);
    }

    private void For(ForStatement statement)
    {
        if (statement.Init is not null) Statement(statement.Init);
        var top = new Label();
        var next = new Label();
        var end = new Label();
        Place(top);
        if (statement.Condition is not null) JumpUnless(statement.Condition, end);
        LoopBody(statement.Body, new Loop(end, next));
        Place(next);
        if (statement.Step is not null) Effect(statement.Step);
        JumpTo(statement.Position, top);
        Place(end);
    }

    private void LoopBody(Statement body, Loop loop)
    {
        _loops.Push(loop);
        Statement(body);
        _loops.Pop();
    }

    /// <summary>C's return from main is exit(value): stdio is flushed, unlike _exit.</summary>
    private void Return(ReturnStatement statement)
    {
        var value = statement.Value is null ? new Constant(0) : Value(statement.Value);
        Emit(new CallInstruction(statement.Position, null, Builtins.All["exit"], [value]));
    }

    // ---- conditions: jumping code ----

    private void JumpUnless(Expression condition, Label target) => JumpWhen(condition, false, target);

    /// <summary>Jumps to <paramref name="target"/> when the condition's truth equals <paramref name="when"/>; otherwise falls through.</summary>
    private void JumpWhen(Expression condition, bool when, Label target)
    {
        switch (condition)
        {
            case UnaryExpression { Operator: "!" } not:
                JumpWhen(not.Operand, !when, target);
                return;
            case BinaryExpression { Operator: "&&" or "||" } logical:
                ShortCircuitJump(logical, when, target);
                return;
            case BinaryExpression { Operator: "==" or "!=" or "<" or "<=" or ">" or ">=" } compare:
                var left = Value(compare.Left);
                var right = Value(compare.Right);
                BranchTo(compare.Position, left, when ? compare.Operator : Negate(compare.Operator), right, target);
                return;
            case NumberLiteral constant:
                if ((constant.Value != 0) == when) JumpTo(constant.Position, target);
                return;
        }
        var value = Value(condition);
        BranchTo(condition.Position, value, when ? "!=" : "==", new Constant(0), target);
    }

    /// <summary>
    /// <c>a &amp;&amp; b</c> is false as soon as a is false; <c>a || b</c> is true as soon as a is true: b is only
    /// evaluated (and its fork only happens) when a did not decide.
    /// </summary>
    private void ShortCircuitJump(BinaryExpression logical, bool when, Label target)
    {
        bool decidingValue = logical.Operator == "||";
        if (when == decidingValue)
        {
            JumpWhen(logical.Left, decidingValue, target);
            JumpWhen(logical.Right, decidingValue, target);
            return;
        }
        var skip = new Label();
        JumpWhen(logical.Left, decidingValue, skip);
        JumpWhen(logical.Right, when, target);
        Place(skip);
    }

    private static string Negate(string op) => op switch
    {
        "==" => "!=", "!=" => "==", "<" => ">=", ">=" => "<", ">" => "<=", "<=" => ">",
        _ => throw new InvalidOperationException($"bug: cannot negate {op}"),
    };

    // ---- expressions ----

    /// <summary>Compiles an expression whose value is not needed (a statement), avoiding useless temporaries.</summary>
    private void Effect(Expression expression)
    {
        switch (expression)
        {
            case Call call:
                CallInto(call, null);
                return;
            case PostIncrement increment:
                Increment(increment);
                return;
            case BinaryExpression { Operator: "&&" or "||" } logical:
                var end = new Label();
                JumpWhen(logical.Left, logical.Operator == "||", end);
                Effect(logical.Right);
                Place(end);
                return;
            default:
                Value(expression);
                return;
        }
    }

    /// <summary>Compiles an expression and returns where its value is; <paramref name="into"/> is a preferred destination.</summary>
    private Operand Value(Expression expression, Register? into = null)
    {
        switch (expression)
        {
            case NumberLiteral n: return new Constant(n.Value, n.Name);
            case StringLiteral s: throw new ParseError(s.Position, $"a string such as {StringConstant.Quote(s.Value)} can only be an argument of print, printf or exec");
            case AddressOf a: throw new ParseError(a.Position, $"&{a.Name} can only be the status argument of wait or waitpid");
            case VariableReference v: return Variable(v);
            case MemoryReference m: return Load(m, into);
            case Assignment a: return Assign(a);
            case PostIncrement p: return Increment(p, needValue: true);
            case UnaryExpression u: return Unary(u, into);
            case BinaryExpression { Operator: "&&" or "||" } b: return Boolean(b, into);
            case BinaryExpression b: return Binary(b, into);
            case ConditionalExpression c: return Conditional(c, into);
            case Call call: return CallInto(call, into ?? Temporary()) ?? throw new InvalidOperationException("bug: call without value");
            default: throw new InvalidOperationException($"bug: unknown expression {expression}");
        }
    }

    private void ValueInto(Expression expression, Register destination)
    {
        var value = Value(expression, destination);
        if (value != destination) Emit(new MoveInstruction(expression.Position, destination, value));
    }

    private Operand Variable(VariableReference reference)
    {
        if (_variables.Contains(reference.Name)) return new Register(reference.Name);
        if (Builtins.Constants.TryGetValue(reference.Name, out var value)) return new Constant(value, reference.Name);
        if (Builtins.All.ContainsKey(reference.Name))
            throw new ParseError(reference.Position, $"{reference.Name} is a function: call it with parentheses, {reference.Name}()");
        throw new ParseError(reference.Position, $"unknown name '{reference.Name}': no statement assigns it and it is not a constant such as WNOHANG or SIGKILL{Suggest(reference.Name, _variables.Concat(Builtins.Constants.Keys))}");
    }

    private Register Load(MemoryReference reference, Register? into)
    {
        var address = Value(reference.Address);
        var destination = into ?? Temporary();
        Emit(new LoadInstruction(reference.Position, destination, address));
        return destination;
    }

    private Operand Assign(Assignment assignment)
    {
        if (assignment.Target is MemoryReference memory) return AssignMemory(assignment, memory);
        var target = new Register(((VariableReference)assignment.Target).Name);
        if (assignment.Operator is null)
        {
            ValueInto(assignment.Value, target);
            return target;
        }
        var right = Value(assignment.Value);
        Emit(new BinaryInstruction(assignment.Position, target, assignment.Operator, target, right));
        return target;
    }

    private Operand AssignMemory(Assignment assignment, MemoryReference memory)
    {
        var address = Value(memory.Address);
        var value = Value(assignment.Value);
        if (assignment.Operator is not null)
        {
            var old = Temporary();
            Emit(new LoadInstruction(memory.Position, old, address));
            Emit(new BinaryInstruction(assignment.Position, old, assignment.Operator, old, value));
            value = old;
        }
        Emit(new StoreInstruction(assignment.Position, address, value));
        return value;
    }

    /// <summary><c>x++</c>: one instruction as a statement; as a value the old value is kept in a temporary first.</summary>
    private Operand Increment(PostIncrement increment, bool needValue = false)
    {
        var op = increment.Delta > 0 ? "+" : "-";
        if (increment.Target is MemoryReference memory)
        {
            var address = Value(memory.Address);
            var old = Temporary();
            var updated = Temporary();
            Emit(new LoadInstruction(memory.Position, old, address));
            Emit(new BinaryInstruction(increment.Position, updated, op, old, new Constant(1)));
            Emit(new StoreInstruction(increment.Position, address, updated));
            return old;
        }
        var target = new Register(((VariableReference)increment.Target).Name);
        if (!needValue)
        {
            Emit(new BinaryInstruction(increment.Position, target, op, target, new Constant(1)));
            return target;
        }
        var before = Temporary();
        Emit(new MoveInstruction(increment.Position, before, target));
        Emit(new BinaryInstruction(increment.Position, target, op, target, new Constant(1)));
        return before;
    }

    private Operand Unary(UnaryExpression unary, Register? into)
    {
        if (unary is { Operator: "-", Operand: NumberLiteral n }) return new Constant(-n.Value);
        var value = Value(unary.Operand);
        var destination = into ?? Temporary();
        Emit(new UnaryInstruction(unary.Position, destination, unary.Operator, value));
        return destination;
    }

    private Operand Binary(BinaryExpression binary, Register? into)
    {
        var left = Value(binary.Left);
        var right = Value(binary.Right);
        var destination = into ?? Temporary();
        Emit(new BinaryInstruction(binary.Position, destination, binary.Operator, left, right));
        return destination;
    }

    private Register Boolean(BinaryExpression logical, Register? into)
    {
        var destination = into ?? Temporary();
        var isFalse = new Label();
        var end = new Label();
        JumpUnless(logical, isFalse);
        Emit(new MoveInstruction(logical.Position, destination, new Constant(1)));
        JumpTo(logical.Position, end);
        Place(isFalse);
        Emit(new MoveInstruction(logical.Position, destination, new Constant(0)));
        Place(end);
        return destination;
    }

    private Register Conditional(ConditionalExpression conditional, Register? into)
    {
        var destination = into ?? Temporary();
        var otherwise = new Label();
        var end = new Label();
        JumpUnless(conditional.Condition, otherwise);
        ValueInto(conditional.WhenTrue, destination);
        JumpTo(conditional.Position, end);
        Place(otherwise);
        ValueInto(conditional.WhenFalse, destination);
        Place(end);
        return destination;
    }

    // ---- calls ----

    private Register? CallInto(Call call, Register? destination)
    {
        var builtin = Lookup(call);
        var arguments = CallArguments.Check(builtin, call);
        var operands = arguments.Select((a, i) => Argument(a, CallArguments.KindAt(builtin, i))).ToArray();
        if (destination is not null && !builtin.ReturnsValue)
            throw new ParseError(call.Position, $"{builtin.Name}() has no value to use (it returns nothing)");
        Emit(new CallInstruction(call.Position, destination, builtin, operands));
        return destination;
    }

    private Operand Argument(Expression argument, ParameterKind kind) => argument switch
    {
        VariableReference array when kind == ParameterKind.Array => ArrayOperand(array),
        StringLiteral s => new StringConstant(s.Value),
        AddressOf a => new RegisterAddress(a.Name),
        _ => Value(argument),
    };

    /// <summary>An array argument (pipe(fd)) is passed as the address of its elements fd[0] and fd[1].</summary>
    private RegisterAddress ArrayOperand(VariableReference array)
    {
        if (!_variables.Contains(Parser.ElementName(array.Name, 0)))
            throw new ParseError(array.Position, $"'{array.Name}' is not an array: declare it first, as in int {array.Name}[2]");
        return new RegisterAddress(array.Name);
    }

    private static Builtin Lookup(Call call)
    {
        if (Builtins.All.TryGetValue(call.Name, out var builtin)) return builtin;
        throw new ParseError(call.Position, $"unknown function '{call.Name}'{Suggest(call.Name, Builtins.All.Keys)}; the functions are: {string.Join(", ", Builtins.All.Keys)}");
    }

    /// <summary>" (did you mean fork?)" when a known name is one or two edits away.</summary>
    internal static string Suggest(string name, IEnumerable<string> known)
    {
        var best = known.Select(k => (k, d: EditDistance(name, k))).Where(x => x.d <= 2).OrderBy(x => x.d).ThenBy(x => x.k, StringComparer.Ordinal).FirstOrDefault();
        return best.k is null ? "" : $" (did you mean {best.k}?)";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
