using System.Globalization;
using CourseKit.Files;
using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>
/// The C library of the simulated programs: each built-in call becomes one kernel call on the
/// <see cref="Machine"/> (fork → Fork, wait → Wait...), with C's conventions on top: -1 and errno on failure,
/// the status stored through <c>&amp;status</c>, exit flushing stdio and _exit not.
/// </summary>
internal sealed class SystemCalls(Machine machine, IProgramOutput output, Pid tid, ProgramContext context)
{
    private CallInstruction _call = null!;

    public StepOutcome Invoke(CallInstruction call)
    {
        _call = call;
        return call.Function.Name switch
        {
            "fork" => ForkLike(() => machine.Fork(tid)),
            "vfork" => ForkLike(() => machine.Vfork(tid)),
            "clone" => ForkLike(() => machine.Clone(tid, (CloneFlags)(ulong)Number(0))),
            "exec" => Exec(Text(0), [BaseName(Text(0)), .. Texts(1)]),
            "execl" => Exec(Text(0), Texts(1)),
            "posix_spawn" => Return(machine.PosixSpawn(tid, Text(0), [BaseName(Text(0)), .. Texts(1)]), p => p.Value),
            "wait" => Wait(-1, 0, 0),
            "waitpid" => Wait(Number(0), 1, Number(2)),
            "exit" => Exit(flush: true),
            "_exit" => Exit(flush: false),
            "pthread_exit" => ExitThread(),
            "kill" => Kill(),
            "getpid" => Value(machine.ThreadGroupOf(tid).Value),
            "getppid" => Value(machine.ParentOf(tid).Value),
            "gettid" => Value(tid.Value),
            "sbrk" => Return(machine.Sbrk(tid, Number(0)), a => unchecked((long)a.Value)),
            "mmap" => Mmap(),
            "munmap" => Return(machine.Munmap(tid, new Memory.VirtualAddress(unchecked((ulong)Number(0))), Number(1))),
            "signal" => SetSignalDisposition(),
            "setpgid" => Return(machine.Setpgid(tid, new Pid((int)Number(0)), new Pid((int)Number(1)))),
            "getpgid" => Return(machine.Getpgid(tid, new Pid((int)Number(0))), p => p.Value),
            "getpgrp" => Return(machine.Getpgid(tid, Pid.Zero), p => p.Value),
            "sleep" => Sleep(),
            "sched_yield" => Yield(),
            "pause" => Pause(),
            "prctl" => Prctl(),
            "pipe" => Pipe(),
            "open" => WithFiles(fs => Return(fs.Open(tid, Text(0), (OpenFlags)(int)Number(1)), fd => fd.Value)),
            "close" => WithFiles(fs => Return(fs.Close(tid, Fd(0)))),
            "dup" => WithFiles(fs => Return(fs.Dup(tid, Fd(0)), fd => fd.Value)),
            "dup2" => WithFiles(fs => Return(fs.Dup2(tid, Fd(0), Fd(1)), fd => fd.Value)),
            "read" => WithFiles(fs => Return(fs.Read(tid, Fd(0), (int)Math.Clamp(Number(1), -1, int.MaxValue)), data => data.Length)),
            "write" => WithFiles(fs => Return(fs.Write(tid, Fd(0), Show(1)), n => n)),
            "print" => Print(string.Join(" ", Enumerable.Range(0, _call.Arguments.Count).Select(Show)) + "\n"),
            "printf" => Print(Printf.Format(Text(0), [.. _call.Arguments.Skip(1).Select(AsObject)])),
            "fflush" => Flush(),
            "WIFEXITED" => Value(WaitStatus.WIFEXITED((int)Number(0)) ? 1 : 0),
            "WEXITSTATUS" => Value(WaitStatus.WEXITSTATUS((int)Number(0))),
            "WIFSIGNALED" => Value(WaitStatus.WIFSIGNALED((int)Number(0)) ? 1 : 0),
            "WTERMSIG" => Value(WaitStatus.WTERMSIG((int)Number(0))),
            var name => throw new InvalidOperationException($"bug: built-in {name} has no implementation"),
        };
    }

    // ---- arguments ----

    private long Number(int index) => Interpreter.Read(context, _call.Arguments[index]);

    private string Text(int index) => ((StringConstant)_call.Arguments[index]).Value;

    private string[] Texts(int from) => [.. _call.Arguments.Skip(from).Select((_, i) => Show(from + i))];

    private string Show(int index) => _call.Arguments[index] switch
    {
        StringConstant t => t.Value,
        var operand => Interpreter.Read(context, operand).ToString(CultureInfo.InvariantCulture),
    };

    private object AsObject(Operand operand) => operand is StringConstant t ? t.Value : Interpreter.Read(context, operand);

    /// <summary>argv[0] as a shell passes it: the last part of the path.</summary>
    private static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];

    // ---- results ----

    private StepOutcome Value(long value)
    {
        if (_call.Destination is not null) context.Set(_call.Destination, value);
        context.Pc++;
        return new StepOutcome(StepKind.Ran, _call.Destination is null ? $"{_call}" : $"{_call}  → {value}");
    }

    /// <summary>C's convention: the value on success; -1 and errno on failure; a block keeps the PC so the call is retried.</summary>
    private StepOutcome Return<T>(SysResult<T> result, Func<T, long> value)
    {
        if (result.IsBlocked) return Blocked(result.ToString());
        if (result.IsKilled) return new StepOutcome(StepKind.Ended, $"{_call}  → {result}");
        if (result.IsOk) return Value(value(result.Value));
        context.Set("errno", (long)result.Errno);
        return Value(-1);
    }

    private StepOutcome Return(SysResult result)
    {
        if (result.IsBlocked) return Blocked(result.ToString());
        if (result.IsKilled) return new StepOutcome(StepKind.Ended, $"{_call}  → {result}");
        if (result.IsOk) return Value(0);
        context.Set("errno", (long)result.Errno);
        return Value(-1);
    }

    /// <summary>The kernel put the thread to sleep; the PC stays on the call, which runs again once the thread is woken.</summary>
    private StepOutcome Blocked(string trace) => new(StepKind.Blocked, $"{_call}  → {trace}");

    private Fd Fd(int index) => new((int)Number(index));

    // ---- the calls ----

    /// <summary>
    /// File calls go to the machine's file layer (<see cref="FileSystem.Attach"/>); without one they fail with
    /// ENOSYS and say how to get one, like a kernel built without the feature.
    /// </summary>
    private StepOutcome WithFiles(Func<FileSystem, StepOutcome> call)
    {
        if (FileSystem.Of(machine) is { } files) return call(files);
        context.Set("errno", (long)Errno.ENOSYS);
        output.Write(machine, tid, $"{_call.Function.Name}: this machine has no file layer (FileSystem.Attach(machine) adds one)\n");
        return Value(-1);
    }

    /// <summary>pipe(fd): on success fd[0] is the read end and fd[1] the write end.</summary>
    private StepOutcome Pipe() => WithFiles(files =>
    {
        var result = files.Pipe(tid);
        if (result.IsOk && _call.Arguments[0] is RegisterAddress array)
        {
            context.Set(Parser.ElementName(array.Name, 0), result.Value.Read.Value);
            context.Set(Parser.ElementName(array.Name, 1), result.Value.Write.Value);
        }
        return Return(result, _ => 0);
    });

    /// <summary>
    /// fork, vfork and clone: the PC moves past the call *before* the kernel copies the thread, so the child
    /// resumes after the call too, and the kernel writes the child's 0 into <see cref="ProgramContext.PendingResult"/>.
    /// </summary>
    private StepOutcome ForkLike(Func<SysResult<Pid>> call)
    {
        int pc = context.Pc;
        context.PendingResult = _call.Destination;
        context.Pc = pc + 1;
        var result = call();
        context.PendingResult = null;
        context.Pc = pc;
        return Return(result, p => p.Value);
    }

    /// <summary>
    /// execve: on success exec does not return — the kernel asked the <see cref="ProgramLoader"/> for the new
    /// image's context, so the thread starts the new program at its first instruction.
    /// </summary>
    private StepOutcome Exec(string path, string[] argv)
    {
        var result = machine.Exec(tid, path, argv);
        if (!result.IsOk) return Return(result);
        return new StepOutcome(StepKind.Execed, $"{_call}  → {result}");
    }

    private StepOutcome Wait(long pid, int statusIndex, long options)
    {
        var target = pid == -1 ? (Pid?)null : new Pid((int)pid);
        var result = machine.Wait(tid, target, (WaitOptions)(int)options);
        if (result.IsOk && result.Value.Pid.Value != 0 && _call.Arguments[statusIndex] is RegisterAddress status)
            context.Set(status.Name, result.Value.Status.Raw);
        return Return(result, w => w.Pid.Value);
    }

    /// <summary>exit() flushes stdio, then exit_group; _exit() skips the flush (the buffered text is lost).</summary>
    private StepOutcome Exit(bool flush)
    {
        if (flush) output.Flush(machine, tid);
        machine.Exit(tid, (int)Number(0));
        return new StepOutcome(StepKind.Ended, _call.ToString());
    }

    private StepOutcome ExitThread()
    {
        machine.ExitThread(tid, (int)Number(0));
        return new StepOutcome(StepKind.Ended, _call.ToString());
    }

    private StepOutcome Kill()
    {
        var result = machine.Kill(tid, new Pid((int)Number(0)), (Signal)(int)Number(1));
        return machine.IsAlive(tid) ? Return(result) : new StepOutcome(StepKind.Ended, $"{_call}  → {result}");
    }

    /// <summary>Anonymous mmap only (there are no file mappings here): MAP_SHARED pages stay shared after fork, MAP_PRIVATE ones are copy-on-write.</summary>
    private StepOutcome Mmap()
    {
        long flags = Number(2);
        if ((flags & 0x20) == 0 || (flags & 3) is 0 or 3)
        {
            context.Set("errno", (long)Errno.EINVAL);
            return Value(-1);
        }
        var protection = (Memory.Protection)(int)(Number(1) & 7);
        return Return(machine.Mmap(tid, Number(0), protection, shared: (flags & 1) != 0), a => unchecked((long)a.Value));
    }

    /// <summary>signal(sig, SIG_DFL or SIG_IGN): sigaction underneath; returns 0 (C returns the old handler).</summary>
    private StepOutcome SetSignalDisposition()
    {
        var disposition = Number(1) switch { 0 => SignalDisposition.Default, 1 => SignalDisposition.Ignore, _ => (SignalDisposition?)null };
        if (disposition is null)
        {
            context.Set("errno", (long)Errno.EINVAL);
            return Value(-1);
        }
        return Return(machine.Sigaction(tid, (Kernel.Signal)(int)Number(0), disposition.Value));
    }

    /// <summary>sleep(n) in logical time: the scheduler runs others (or advances the clock) until the wake-up time.</summary>
    /// <remarks>The PC stays on the call while the thread sleeps (a listing shows it there); the scheduler moves it on at the wake-up.</remarks>
    private StepOutcome Sleep()
    {
        context.SleepUntil = machine.Clock + Math.Max(0, Number(0));
        machine.Sleep(tid, context.SleepUntil.Value);
        return new StepOutcome(StepKind.Sleeping, $"{_call}  → sleeping until t={context.SleepUntil}");
    }

    /// <summary>
    /// pause(): sleeps until a signal. Handlers do not run in this simulation, so only a deadly signal ends it; the PC
    /// stays on the call (a woken thread would simply pause again).
    /// </summary>
    private StepOutcome Pause()
    {
        machine.Pause(tid);
        return new StepOutcome(StepKind.Blocked, $"{_call}  → sleeping until a signal arrives");
    }

    private StepOutcome Yield()
    {
        Value(0);
        return new StepOutcome(StepKind.Yielded, _call.ToString());
    }

    private StepOutcome Prctl()
    {
        if (Number(0) != 36)
        {
            context.Set("errno", (long)Errno.EINVAL);
            return Value(-1);
        }
        return Return(machine.SetChildSubreaper(tid, Number(1) != 0));
    }

    private StepOutcome Print(string text)
    {
        output.Write(machine, tid, text);
        return Value(0);
    }

    private StepOutcome Flush()
    {
        output.Flush(machine, tid);
        return Value(0);
    }
}
