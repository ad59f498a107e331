using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using CsCheck;

namespace CourseKit.Tests.Core;

/// <summary>
/// Random system-call programs on small machines, checking the kernel's invariants after every step
/// (issue 3: at least 10,000 programs per run, shrunk by CsCheck when one fails).
/// </summary>
public class KernelPropertyTests
{
    /// <summary>One generated step: what to do and three numbers that pick the caller, target and arguments.</summary>
    public readonly record struct Op(int Kind, int A, int B, int C)
    {
        public override string ToString() => $"{(Kind < Names.Length ? Names[Kind] : "write")}({A},{B},{C})";
    }

    private static readonly string[] Names =
        ["fork", "clone", "vfork", "exec", "exit", "exit-thread", "wait", "kill", "write", "read", "mmap", "munmap",
         "sbrk", "subreaper", "sigchld", "posix_spawn", "start"];

    private static readonly CloneFlags[] CloneChoices =
    [
        CloneFlags.SigChld,
        CloneFlagsText.PthreadCreate,
        CloneFlags.Vm | CloneFlags.Sighand | CloneFlags.Thread,
        CloneFlags.Vm | CloneFlags.SigChld,
        CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld,
        CloneFlags.Parent | CloneFlags.SigChld,
        CloneFlags.Files | CloneFlags.Fs | CloneFlags.SigChld,
        CloneFlags.Vm,                                           // a clone child: exit signal 0
        CloneFlags.Sighand | CloneFlags.SigChld,                 // EINVAL
        CloneFlags.Vm | CloneFlags.Thread,                       // EINVAL
        CloneFlags.Fs | CloneFlags.NewNs,                        // EINVAL
    ];

    private static readonly string[] Paths =
        ["/bin/true", "/bin/sh", "/home/student/a.out", "/bin/nope", "/home/student/notes.txt", "/home/student/script"];

    private static readonly Signal[] Signals = [Signal.SIGKILL, Signal.SIGTERM, Signal.SIGSEGV, Signal.SIGCHLD, 0];

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 20], Gen.Int[0, 15], Gen.Int[0, 15], Gen.Int[0, 15], (k, a, b, c) => new Op(k, a, b, c));

    private static readonly Gen<(bool Cow, Op[] Ops)> GenProgram = Gen.Select(Gen.Bool, GenOp.Array[1, 14]);

    [Fact]
    public void Ten_thousand_random_programs_keep_every_kernel_invariant()
    {
        GenProgram.Sample(p => Run(p.Cow, p.Ops), iter: 10_000,
            print: p => $"cow={p.Cow} [{string.Join(", ", p.Ops)}]");
    }

    [Fact]
    public void The_checker_catches_a_broken_map_count()
    {
        // The invariant checks must be able to fail: corrupt a map count and expect the frame check to notice.
        var m = Machine.Boot(new MachineOptions { Frames = 64 });
        var p = m.Start("/bin/sh");
        var frame = m.Process(p)!.AddressSpace!.PageTable.FrameOf(m.Process(p)!.AddressSpace!.Segments[0].Start.Page(m.PageSize))!.Value;
        m.Memory.Map(frame);
        Assert.ThrowsAny<Exception>(() => KernelInvariants.CheckFrames(m.Snapshot()));
    }

    private static void Run(bool cow, Op[] ops)
    {
        var m = Machine.Boot(new MachineOptions { Frames = 64, PidMax = 40, MaxProcessesPerUser = 12, CopyOnWrite = cow });
        m.Start("/home/student/a.out");
        var before = m.Snapshot();
        for (int step = 0; step < ops.Length; step++)
        {
            long start = m.Clock + 1;
            var (result, write) = Apply(m, ops[step], step);
            var after = m.Snapshot();
            string where = $"step {step} {ops[step]}: {result}";
            if (result.IsFailed) Assert.True(before.SameStateAs(after), $"{where}: a failed call changed the machine");
            KernelInvariants.CheckAfterStep(m, before, after, start);
            if (write is { } w && result.IsOk) KernelInvariants.CheckVisibility(m, w.Writer, w.Address, w.Value);
            before = after;
        }
        KernelInvariants.KillEverythingAndCheckNoLeak(m);
    }

    /// <summary>Runs one generated step against the machine (other layers' property tests can reuse it).</summary>
    internal static (SysResult Result, (Pid Writer, VirtualAddress Address, ulong Value)? Write) Apply(Machine m, Op op, int step)
    {
        var callers = m.Threads.Where(t => t.Process.Pid != Pid.Init).ToList();
        if (callers.Count == 0 || op.Kind == 16)
        {
            try { m.Start("/home/student/a.out"); } catch (SysCallException) { }
            return (default, null);
        }
        var caller = callers[op.A % callers.Count].Tid;
        var process = m.Thread(caller)!.Process;
        var all = m.Processes.ToList();
        switch (op.Kind)
        {
            case 0: return (m.Fork(caller).WithoutValue(), null);
            case 1: return (m.Clone(caller, CloneChoices[op.B % CloneChoices.Length]).WithoutValue(), null);
            case 2: return (m.Vfork(caller).WithoutValue(), null);
            case 3: return (m.Exec(caller, Paths[op.B % Paths.Length], ["x"]), null);
            case 4: return (m.Exit(caller, op.B), null);
            case 5: return (m.ExitThread(caller, op.B), null);
            case 6:
                Pid? target = (op.B % 5) switch { 0 => null, 1 => Pid.Zero, 2 => new Pid(-process.Pgid.Value), _ => all[op.B % all.Count].Pid };
                return (m.Wait(caller, target, op.C % 2 == 0 ? WaitOptions.None : WaitOptions.NoHang).WithoutValue(), null);
            case 7:
                var victim = (op.B % 4) switch { 0 => Pid.Zero, 1 => new Pid(-all[op.B % all.Count].Pgid.Value), _ => all[op.B % all.Count].Pid };
                return (m.Kill(caller, victim, Signals[op.C % Signals.Length]), null);
            case 9: return (m.ReadWord(caller, PickAddress(m, process, op)).WithoutValue(), null);
            case 10: return (m.Mmap(caller, (op.B % 4 + 1) * m.PageSize, op.C % 4 == 0 ? Protection.Read : Protection.ReadWrite).WithoutValue(), null);
            case 11:
                var maps = process.AddressSpace?.Segments.Where(s => s.Kind == SegmentKind.Mmap).ToList() ?? [];
                return maps.Count == 0 ? (m.Munmap(caller, new VirtualAddress(0x1234), m.PageSize), null)
                    : (m.Munmap(caller, maps[op.B % maps.Count].Start, maps[op.B % maps.Count].Length), null);
            case 12: return (m.Sbrk(caller, (op.B % 5 - 2) * (long)m.PageSize).WithoutValue(), null);
            case 13:
                return op.C % 2 == 0 ? (m.SetChildSubreaper(caller, op.B % 2 == 0), null)
                    : (m.Setpgid(caller, op.B % 3 == 0 ? Pid.Zero : all[op.B % all.Count].Pid, op.C % 3 == 1 ? Pid.Zero : all[op.A % all.Count].Pgid), null);
            case 14: return (m.Sigaction(caller, Signal.SIGCHLD, op.B % 2 == 0 ? SignalDisposition.Ignore : SignalDisposition.Default), null);
            case 15: return (m.PosixSpawn(caller, Paths[op.B % Paths.Length], ["x"]).WithoutValue(), null);
            default:
                var address = PickAddress(m, process, op);
                ulong value = 0xC0DE_0000_0000UL + (ulong)step;
                return (m.WriteWord(caller, address, value), (process.Pid, address, value));
        }
    }

    /// <summary>An address in one of the process's segments (code included), or now and then an unmapped one.</summary>
    private static VirtualAddress PickAddress(Machine m, Process process, Op op)
    {
        var segments = process.AddressSpace?.Segments ?? [];
        if (segments.Count == 0 || op.B == 15) return new VirtualAddress(0x10);
        var segment = segments[op.B % segments.Count];
        long pages = segment.Pages(m.PageSize);
        long page = segment.Kind == SegmentKind.Stack ? pages - 1 - op.C % Math.Min(pages, 4) : op.C % pages;
        return segment.Start + page * m.PageSize + 8 * (op.C % 4);
    }

}

/// <summary>
/// The kernel's invariants as checks on snapshots and live state, for the core's property test and for the
/// property tests of the layers above (files, programs), which extend the generator with their own calls.
/// </summary>
public static class KernelInvariants
{
    /// <summary>Every check that holds after any step: frames, IDs, family, zombies, Pss.</summary>
    public static void CheckAfterStep(Machine m, MachineSnapshot before, MachineSnapshot after, long stepStart)
    {
        CheckFrames(after);
        CheckIds(m);
        CheckFamily(after);
        CheckZombies(m, before, after, stepStart);
        CheckPss(after);
    }

    /// <summary>
    /// Each used frame's map count equals the number of page-table entries (of distinct address spaces) mapping it.
    /// The shared zero page is excluded on purpose, as in Linux (it is not a normal page: no map count, in no
    /// Rss): it lies outside the frame table (frame number Total), is never a used frame, and zero-page
    /// entries are not resident pages, so no page snapshot may name it.
    /// </summary>
    public static void CheckFrames(MachineSnapshot s)
    {
        var references = new Dictionary<FrameNumber, int>();
        foreach (var space in Spaces(s))
            foreach (var page in space.Pages)
            {
                Assert.True(page.Frame.Value < s.Frames.Total, $"{page.Page} is counted resident but maps the zero page ({page.Frame})");
                references[page.Frame] = references.GetValueOrDefault(page.Frame) + 1;
            }
        Assert.Equal(s.Frames.UsedCount, s.Frames.Used.Count);
        foreach (var frame in s.Frames.Used)
            Assert.True(references.GetValueOrDefault(frame.Frame) == frame.MapCount,
                $"{frame.Frame} has map count {frame.MapCount} but {references.GetValueOrDefault(frame.Frame)} entries map it");
        Assert.Equal(s.Frames.Used.Count, references.Count);
    }

    /// <summary>Live PIDs and TIDs are unique: no thread shares an ID with another thread or with another process.</summary>
    public static void CheckIds(Machine m)
    {
        var tids = m.Threads.Select(t => t.Tid).ToList();
        Assert.Equal(tids.Count, tids.Distinct().Count());
        foreach (var t in m.Threads)
            if (!t.IsLeader) Assert.Null(m.Process(t.Tid));
        foreach (var p in m.Processes)
        {
            Assert.Equal(p.Pid, m.Process(p.Pid)!.Pid);
            foreach (var t in p.Threads) Assert.Same(p, t.Process);
        }
    }

    /// <summary>Every process but init has a parent in the table that is not a zombie, and appears among its children.</summary>
    public static void CheckFamily(MachineSnapshot s)
    {
        foreach (var p in s.Processes)
        {
            if (p.Pid == Pid.Init) continue;
            var parent = s[p.PPid];
            Assert.True(parent is not null, $"{p} has no parent in the table ({p.PPid})");
            Assert.True(parent!.State != ProcessState.Zombie, $"{p}'s parent {parent} is a zombie");
            Assert.Contains(p.Pid, parent.Children);
        }
    }

    /// <summary>A zombie keeps its PID and status until a ProcessReaped event with that status removes it.</summary>
    public static void CheckZombies(Machine m, MachineSnapshot before, MachineSnapshot after, long since)
    {
        foreach (var z in before.Processes.Where(p => p.State == ProcessState.Zombie))
        {
            bool stillThere = after[z.Pid] is { State: ProcessState.Zombie } now && now.ExitStatus == z.ExitStatus;
            bool reaped = m.Events.Since(since).OfType<ProcessReaped>().Any(e => e.Pid == z.Pid && e.Status == z.ExitStatus);
            Assert.True(stillThere || reaped, $"zombie {z} lost its status without being reaped");
        }
    }

    /// <summary>Sum of Pss over the (distinct) address spaces equals the resident frames times the page size.</summary>
    public static void CheckPss(MachineSnapshot s)
    {
        decimal pss = Spaces(s).Sum(space => space.Smaps.PssBytes);
        decimal resident = (decimal)s.Frames.UsedCount * s.PageSize;
        Assert.True(Math.Abs(pss - resident) < 0.001m, $"sum of Pss {pss} != resident {resident}");
    }

    /// <summary>After a write, exactly the processes sharing the writer's address space see the value.</summary>
    public static void CheckVisibility(Machine m, Pid writer, VirtualAddress address, ulong value)
    {
        var writerSpace = m.Process(writer)!.AddressSpace!;
        Assert.Equal(value, writerSpace.PeekWord(address));
        foreach (var other in m.Processes.Where(p => p.Pid != writer && p.AddressSpace is not null))
        {
            bool sees = other.AddressSpace!.PeekWord(address) == value;
            Assert.True(sees == (other.AddressSpace == writerSpace),
                $"{other} {(sees ? "sees" : "does not see")} the write of {writer} (shared space: {other.AddressSpace == writerSpace})");
        }
    }

    /// <summary>Kill everything from init; once all are reaped, only init's own frames may remain.</summary>
    public static void KillEverythingAndCheckNoLeak(Machine m)
    {
        foreach (var p in m.Processes.Where(p => p.Pid != Pid.Init && p.State != ProcessState.Zombie).ToList())
            if (p.State != ProcessState.Reaped && p.ExitStatus is null) m.Kill(Pid.Init, p.Pid, Signal.SIGKILL).ThrowIfNotOk();
        Assert.Equal([Pid.Init], m.Processes.Select(p => p.Pid));
        Assert.Single(m.Threads);
        Assert.Equal(m.Init.AddressSpace!.ResidentPages, m.Memory.UsedFrames);
        CheckFrames(m.Snapshot());
    }

    public static IEnumerable<AddressSpaceSnapshot> Spaces(MachineSnapshot s) =>
        s.Processes.Where(p => p.Memory is not null).Select(p => p.Memory!).DistinctBy(space => space.Id);
}
