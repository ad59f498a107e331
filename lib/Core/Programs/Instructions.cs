using System.Text;

namespace CourseKit.Programs;

/// <summary>
/// A value an instruction reads: a constant, a register (a local variable or a compiler temporary),
/// a string (only for print/printf/exec) or the address of a register (<c>&amp;status</c> for wait).
/// </summary>
public abstract record Operand;

/// <summary>A number; <see cref="Name"/> keeps a symbolic name (SIGKILL, WNOHANG) so listings read like the source.</summary>
public sealed record Constant(long Value, string? Name = null) : Operand
{
    /// <inheritdoc/>
    public override string ToString() => Name ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A register of the running thread. Variables keep their source names; temporaries are named
/// <c>%t1</c>, <c>%t2</c>... (a name no program can write, so they never clash with a variable).
/// </summary>
public sealed record Register(string Name) : Operand
{
    /// <summary>True for compiler temporaries (not written by the instructor).</summary>
    public bool IsTemporary => Name.StartsWith('%');

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A string argument.</summary>
public sealed record StringConstant(string Value) : Operand
{
    /// <inheritdoc/>
    public override string ToString() => Quote(Value);

    internal static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
            sb.Append(c switch { '\n' => "\\n", '\t' => "\\t", '"' => "\\\"", '\\' => "\\\\", '\r' => "\\r", '\0' => "\\0", _ => c.ToString() });
        return sb.Append('"').ToString();
    }
}

/// <summary><c>&amp;name</c>: where a call such as wait stores an extra result (the status word).</summary>
public sealed record RegisterAddress(string Name) : Operand
{
    /// <inheritdoc/>
    public override string ToString() => "&" + Name;
}

/// <summary>
/// One step of a program: the unit of scheduling. A thread's program counter is an index into
/// <see cref="Program.Instructions"/>; each instruction keeps the source position it came from.
/// </summary>
public abstract record Instruction(SourcePosition Position)
{
    /// <summary>The instruction as a listing shows it, e.g. <c>pid = fork()</c> or <c>if pid != 0 goto 5</c>.</summary>
    public abstract override string ToString();
}

/// <summary><c>dest = source</c></summary>
public sealed record MoveInstruction(SourcePosition Position, Register Destination, Operand Source) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Destination} = {Source}";
}

/// <summary><c>dest = op value</c> with op one of ! - ~</summary>
public sealed record UnaryInstruction(SourcePosition Position, Register Destination, string Operator, Operand Value) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Destination} = {Operator}{Value}";
}

/// <summary><c>dest = left op right</c>: C's arithmetic, bitwise and comparison operators (comparisons give 0 or 1).</summary>
public sealed record BinaryInstruction(SourcePosition Position, Register Destination, string Operator, Operand Left, Operand Right) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Destination} = {Left} {Operator} {Right}";
}

/// <summary><c>dest = mem[address]</c>: reads a word through the process's page table.</summary>
public sealed record LoadInstruction(SourcePosition Position, Register Destination, Operand Address) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Destination} = mem[{Address}]";
}

/// <summary><c>mem[address] = value</c>: writes a word (may fault: demand-zero, copy-on-write, SIGSEGV).</summary>
public sealed record StoreInstruction(SourcePosition Position, Operand Address, Operand Value) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"mem[{Address}] = {Value}";
}

/// <summary><c>[dest =] name(args)</c>: a system call or library function (see <see cref="Builtins"/>).</summary>
public sealed record CallInstruction(SourcePosition Position, Register? Destination, Builtin Function, IReadOnlyList<Operand> Arguments) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var call = $"{Function.Name}({string.Join(", ", Arguments)})";
        return Destination is null ? call : $"{Destination} = {call}";
    }
}

/// <summary><c>goto target</c></summary>
public sealed record JumpInstruction(SourcePosition Position, int Target) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"goto {Target}";
}

/// <summary><c>if left op right goto target</c>: the only conditional instruction; loops and if/else compile to it.</summary>
public sealed record BranchInstruction(SourcePosition Position, Operand Left, string Operator, Operand Right, int Target) : Instruction(Position)
{
    /// <inheritdoc/>
    public override string ToString() => $"if {Left} {Operator} {Right} goto {Target}";
}
