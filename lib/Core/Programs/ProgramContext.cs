using System.Collections.Immutable;
using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>
/// What the CPU holds for one thread running a <see cref="Programs.Program"/>: its program counter and its
/// registers (the program's variables and temporaries). The kernel keeps it in the thread's context slot and
/// copies it on fork/clone through <see cref="CloneForChild"/>, which is where "fork returns twice" happens:
/// the child gets the same PC and registers, except that the fork's result register holds 0.
/// </summary>
public sealed class ProgramContext : IThreadContext
{
    private readonly Dictionary<string, long> _registers;

    /// <summary>A fresh thread at the first instruction, every variable 0 (exec's new image).</summary>
    public ProgramContext(Program program, IReadOnlyList<string>? argv = null)
        : this(program, 0, program.Variables.ToDictionary(v => v, _ => 0L, StringComparer.Ordinal), [.. argv ?? [program.Name]])
    {
    }

    private ProgramContext(Program program, int pc, Dictionary<string, long> registers, ImmutableArray<string> argv)
    {
        Program = program;
        Pc = pc;
        _registers = registers;
        Argv = argv;
    }

    /// <summary>The program this thread runs (shared, immutable).</summary>
    public Program Program { get; }

    /// <summary>The index of the next instruction this thread will run.</summary>
    public int Pc { get; internal set; }

    /// <summary>The argument vector the program was started with (argv[0] first).</summary>
    public ImmutableArray<string> Argv { get; }

    /// <summary>
    /// The register that receives the result of the fork-like call now in progress (null if the result is
    /// discarded): the kernel's <see cref="CloneForChild"/> writes the child's 0 there.
    /// </summary>
    internal Register? PendingResult { get; set; }

    /// <summary>The logical time at which a sleeping thread becomes runnable again (null when not sleeping).</summary>
    internal long? SleepUntil { get; set; }

    /// <inheritdoc/>
    public int ProgramCounter => Pc;

    /// <summary>The value of a register (0 for a variable not yet assigned).</summary>
    public long this[string register] => _registers.GetValueOrDefault(register);

    internal void Set(Register register, long value) => _registers[register.Name] = value;

    internal void Set(string register, long value) => _registers[register] = value;

    /// <summary>
    /// The child's copy for fork/vfork/clone: same program, same PC (already past the call), same registers,
    /// and <paramref name="returnValue"/> (0) in the call's result register. Never shares mutable state with
    /// the parent: registers are per thread even when CLONE_VM shares the memory.
    /// </summary>
    public IThreadContext CloneForChild(long returnValue)
    {
        var child = new ProgramContext(Program, Pc, new Dictionary<string, long>(_registers, StringComparer.Ordinal), Argv);
        if (PendingResult is not null) child.Set(PendingResult, returnValue);
        return child;
    }

    /// <summary>An immutable picture of this thread's CPU state, for views (listing with PC markers, register tables).</summary>
    public ProgramThreadSnapshot Snapshot(Pid tid, string? blockedOn = null) => new(
        tid, Program, Pc,
        Pc < Program.Instructions.Length ? Program.Instructions[Pc].ToString() : "",
        Pc < Program.Instructions.Length ? Program.Instructions[Pc].Position : default,
        _registers.Where(r => !r.Key.StartsWith('%')).ToImmutableSortedDictionary(StringComparer.Ordinal),
        blockedOn, SleepUntil);
}

/// <summary>
/// A thread's CPU state at a moment: which instruction it will run next and its variables. Immutable, so a
/// view can keep "before" and "after" pictures of a fork.
/// </summary>
public sealed record ProgramThreadSnapshot(
    Pid Tid, Program Program, int Pc, string NextInstruction, SourcePosition Position,
    ImmutableSortedDictionary<string, long> Variables, string? BlockedOn, long? SleepingUntil)
{
    /// <summary>"pid 7 at 3: pid = fork()  (line 2)".</summary>
    public override string ToString() =>
        $"{Tid} at {Pc}: {NextInstruction}" + (BlockedOn is null ? "" : $"  [blocked: {BlockedOn}]")
        + (SleepingUntil is null ? "" : $"  [sleeping until t={SleepingUntil}]");
}
