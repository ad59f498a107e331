using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>What one step of a thread did, as the scheduler needs to know it.</summary>
public enum StepKind
{
    /// <summary>The instruction ran; the thread can go on.</summary>
    Ran,
    /// <summary>The call would sleep (wait with running children...): the PC stays, the call is retried when woken.</summary>
    Blocked,
    /// <summary>sleep(n): the thread is off the CPU until the logical clock reaches its wake-up time.</summary>
    Sleeping,
    /// <summary>sched_yield: the thread gives the CPU away but stays runnable.</summary>
    Yielded,
    /// <summary>exec succeeded: the thread now runs a new program from its first instruction.</summary>
    Execed,
    /// <summary>The thread is gone (exit, _exit, pthread_exit, killed by a signal).</summary>
    Ended,
}

/// <summary>The result of one step: what happened and a short text for the trace ("pid = fork() = 43").</summary>
public readonly record struct StepOutcome(StepKind Kind, string Text);

/// <summary>
/// The CPU: runs one instruction of one thread. Local instructions (moves, arithmetic, jumps) only touch the
/// thread's registers; memory instructions go through the kernel's page tables; calls go to <see cref="SystemCalls"/>.
/// </summary>
internal sealed class Interpreter(Machine machine, IProgramOutput output)
{
    public StepOutcome Step(Pid tid, ProgramContext context)
    {
        var instruction = context.Program.Instructions[context.Pc];
        return instruction switch
        {
            MoveInstruction move => Assign(context, move.Destination, Read(context, move.Source), move),
            UnaryInstruction unary => Assign(context, unary.Destination, Arithmetic.Unary(unary.Operator, Read(context, unary.Value)), unary),
            BinaryInstruction binary => Binary(tid, context, binary),
            LoadInstruction load => Load(tid, context, load),
            StoreInstruction store => Store(tid, context, store),
            JumpInstruction jump => Goto(context, jump.Target, jump),
            BranchInstruction branch => Branch(context, branch),
            CallInstruction call => new SystemCalls(machine, output, tid, context).Invoke(call),
            _ => throw new InvalidOperationException($"bug: unknown instruction {instruction}"),
        };
    }

    internal static long Read(ProgramContext context, Operand operand) => operand switch
    {
        Constant c => c.Value,
        Register r => context[r.Name],
        _ => throw new InvalidOperationException($"bug: {operand} is not a number"),
    };

    private static StepOutcome Assign(ProgramContext context, Register destination, long value, Instruction instruction)
    {
        context.Set(destination, value);
        context.Pc++;
        return new StepOutcome(StepKind.Ran, $"{instruction}  → {destination} = {value}");
    }

    /// <summary>Integer division by zero is not an exception in C: the CPU traps and Linux kills the process with SIGFPE.</summary>
    private StepOutcome Binary(Pid tid, ProgramContext context, BinaryInstruction binary)
    {
        var value = Arithmetic.Binary(binary.Operator, Read(context, binary.Left), Read(context, binary.Right));
        if (value is not null) return Assign(context, binary.Destination, value.Value, binary);
        machine.KillByFault(tid, Signal.SIGFPE, $"{binary}: integer division by zero");
        return new StepOutcome(StepKind.Ended, $"{binary}  → division by zero: killed by SIGFPE");
    }

    private StepOutcome Load(Pid tid, ProgramContext context, LoadInstruction load)
    {
        var address = Read(context, load.Address);
        var result = machine.ReadWord(tid, Address(address));
        if (!result.IsOk) return MemoryFailure(context, load, result.WithoutValue());
        return Assign(context, load.Destination, unchecked((long)result.Value), load);
    }

    private StepOutcome Store(Pid tid, ProgramContext context, StoreInstruction store)
    {
        var address = Read(context, store.Address);
        var value = Read(context, store.Value);
        var result = machine.WriteWord(tid, Address(address), unchecked((ulong)value));
        if (!result.IsOk) return MemoryFailure(context, store, result);
        context.Pc++;
        return new StepOutcome(StepKind.Ran, $"{store}  → mem[0x{address:x}] = {value}");
    }

    private static Memory.VirtualAddress Address(long value) => new(unchecked((ulong)value));

    /// <summary>A bad access kills the process (SIGSEGV); any other failure is a kernel answer the program cannot handle.</summary>
    private static StepOutcome MemoryFailure(ProgramContext context, Instruction instruction, SysResult result)
    {
        if (result.IsKilled) return new StepOutcome(StepKind.Ended, $"{instruction}  → {result}");
        if (result.IsBlocked) return new StepOutcome(StepKind.Blocked, $"{instruction}  → {result}");
        throw new InvalidOperationException($"bug: a memory access failed without killing the process: {result}");
    }

    private static StepOutcome Goto(ProgramContext context, int target, Instruction instruction)
    {
        context.Pc = target;
        return new StepOutcome(StepKind.Ran, instruction.ToString());
    }

    private static StepOutcome Branch(ProgramContext context, BranchInstruction branch)
    {
        bool taken = Arithmetic.Compare(branch.Operator, Read(context, branch.Left), Read(context, branch.Right));
        context.Pc = taken ? branch.Target : context.Pc + 1;
        return new StepOutcome(StepKind.Ran, $"{branch}  → {(taken ? "taken" : "not taken")}");
    }
}
