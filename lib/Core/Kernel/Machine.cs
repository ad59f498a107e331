using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Kernel;

/// <summary>
/// A simulated Linux machine: physical memory, a process table with PID allocator and limits, a logical
/// clock, a seeded random source, and the system calls (fork, clone, vfork, posix_spawn, execve, exit,
/// wait, kill, brk, mmap) with Linux's semantics and return values.
/// </summary>
/// <remarks>
/// <para>Every system call takes the calling thread's ID and returns a <see cref="SysResult{T}"/>; a failed
/// call changes nothing (all checks come before the first change). Everything that happens is appended to
/// <see cref="Events"/> with the logical time.</para>
/// <para>The calls live in partial files named after the kernel's: Machine.Fork.cs (fork, clone, vfork,
/// posix_spawn), Machine.Exec.cs, Machine.Exit.cs (exit, kill, reparenting), Machine.Wait.cs,
/// Machine.Memory.cs (brk, mmap, reads and writes).</para>
/// </remarks>
public sealed partial class Machine
{
    private readonly SortedDictionary<int, Process> _processes = []; // live and zombie processes by PID
    private readonly Dictionary<int, SimThread> _threads = [];       // live threads by TID
    private readonly HashSet<int> _idsInUse = [];                    // PIDs and TIDs not free for reuse
    private int _lastPid;
    private int _nextSpaceId = 1;
    private Pid _currentActor = Pid.Init;                           // whom memory events are about
    private SimThread? _running;

    private Machine(MachineOptions options)
    {
        Options = options;
        Memory = new PhysicalMemory(options.Frames, options.PageSize, options.ZeroPage);
        Layout = MemoryLayout.For(options.PageSize);
        Random = new Random(options.Seed);
        if (options.RecordMemoryEvents)
            Memory.Observer = (frame, allocated) => Record(allocated
                ? new FrameAllocated(Clock, _currentActor, frame)
                : new FrameFreed(Clock, _currentActor, frame));
    }

    /// <summary>
    /// Starts a machine: memory, an empty process table, and init (PID 1, root) running /sbin/init.
    /// Invalid options throw (a setup mistake, not a system call).
    /// </summary>
    public static Machine Boot(MachineOptions? options = null)
    {
        options ??= new MachineOptions();
        options.Validate();
        var machine = new Machine(options);
        machine.CreateInit();
        return machine;
    }

    // ----- the machine's parts -----

    /// <summary>The settings this machine booted with.</summary>
    public MachineOptions Options { get; }
    /// <summary>Physical memory: frames, map counts, free list.</summary>
    public PhysicalMemory Memory { get; }
    /// <summary>The executables exec can run.</summary>
    public ProgramCatalogue Programs { get; } = ProgramCatalogue.Standard();
    /// <summary>Everything that happened, in order.</summary>
    public EventLog Events { get; } = new();
    /// <summary>Logical time: one tick per system call or memory access.</summary>
    public long Clock { get; private set; }
    /// <summary>The machine's seeded random source (for schedulers and generators): same seed, same run.</summary>
    public Random Random { get; }
    /// <summary>Bytes per page.</summary>
    public int PageSize => Options.PageSize;
    internal MemoryLayout Layout { get; }

    /// <summary>
    /// Called by exec to give the new image's thread a context (the program interpreter installs this):
    /// (process, executable, argv) → context, or null for no interpreter.
    /// </summary>
    public Func<Process, Executable, IReadOnlyList<string>, IThreadContext?>? ProgramLoader { get; set; }

    // ----- queries -----

    /// <summary>The process with this PID (live or zombie), or null when there is none.</summary>
    public Process? Process(Pid pid) => _processes.GetValueOrDefault(pid.Value);

    /// <summary>The live thread with this TID, or null.</summary>
    public SimThread? Thread(Pid tid) => _threads.GetValueOrDefault(tid.Value);

    /// <summary>Every process in the table (live and zombie), by PID.</summary>
    public IReadOnlyCollection<Process> Processes => _processes.Values;

    /// <summary>Every live thread, by TID.</summary>
    public IEnumerable<SimThread> Threads => _threads.Values.OrderBy(t => t.Tid.Value);

    /// <summary>init, PID 1.</summary>
    public Process Init => _processes[1];

    /// <summary>An immutable picture of the whole machine now.</summary>
    public MachineSnapshot Snapshot() => MachineSnapshot.Of(this);

    // ----- scheduling hooks for the program interpreter -----

    /// <summary>Marks <paramref name="tid"/> as the running thread (the previous one goes back to Runnable) and records it.</summary>
    public void Schedule(Pid tid)
    {
        var thread = Thread(tid) ?? throw new ArgumentException($"{tid} is not a live thread", nameof(tid));
        if (thread.State == SimThreadState.Blocked) throw new ArgumentException($"{thread} is blocked ({thread.BlockedOn}) and cannot run", nameof(tid));
        Tick();
        if (_running is not null && _running != thread && _running.State == SimThreadState.Running)
            SetState(_running, SimThreadState.Runnable, "preempted");
        SetState(thread, SimThreadState.Running, "scheduled");
        _running = thread;
        Record(new Scheduled(Clock, tid));
    }

    /// <summary>Records text a program printed (the interpreter and the files layer call this).</summary>
    public void RecordOutput(Pid tid, string text)
    {
        Tick();
        Record(new ProgramOutput(Clock, tid, text));
    }

    /// <summary>Puts a thread to sleep on something outside the core (a pipe, a sleep).</summary>
    internal void Block(SimThread thread, WaitChannel channel, string reason)
    {
        thread.Channel = channel;
        thread.BlockedOn = reason;
        if (thread.State != SimThreadState.Blocked) SetState(thread, SimThreadState.Blocked, reason);
    }

    /// <summary>Wakes a sleeping thread: it becomes runnable (and retries its call if it was in one).</summary>
    internal void Wake(SimThread thread, string reason)
    {
        if (thread.State != SimThreadState.Blocked) return;
        thread.Channel = WaitChannel.None;
        thread.BlockedOn = null;
        SetState(thread, SimThreadState.Runnable, reason);
    }

    // ----- internals shared by the system calls -----

    internal long Tick() => ++Clock;

    internal void Record(KernelEvent e) => Events.Append(e);

    private void SetState(SimThread thread, SimThreadState to, string reason)
    {
        var from = thread.State;
        thread.State = to;
        if (_running == thread && to != SimThreadState.Running) _running = null;
        Record(new ThreadStateChanged(Clock, thread.Tid, from, to, reason));
    }

    /// <summary>
    /// Start of every system call: ticks the clock and finds the calling thread. Returns a result to hand
    /// back at once when the caller does not exist or is asleep (a sleeping thread cannot make calls).
    /// </summary>
    private SysResult<T>? Enter<T>(Pid caller, string call, string args, out SimThread thread, WaitChannel retrying = WaitChannel.None)
    {
        Tick();
        thread = Thread(caller)!;
        _currentActor = caller;
        if (thread is null)
        {
            var dead = Process(caller);
            string why = dead is { State: ProcessState.Zombie } ? $"{caller} is a zombie: it has exited and makes no more calls"
                : $"there is no live thread with ID {caller.Value}";
            return Finish(caller, SysResult<T>.Fail(call, args, Errno.ESRCH, $"{call}() by {caller} failed: ESRCH ({why})"));
        }
        if (thread.State == SimThreadState.Blocked && thread.Channel != retrying)
            return Finish(caller, SysResult<T>.Block(call, args, $"{thread} is asleep ({thread.BlockedOn}) and cannot make a call until it is woken"));
        return null;
    }

    /// <summary>End of every system call (the file layer's too): records it as a strace-like event and returns the result.</summary>
    internal SysResult<T> Finish<T>(Pid caller, SysResult<T> result)
    {
        string text = result.Outcome switch
        {
            SysOutcome.Ok => result.OkText,
            SysOutcome.Failed => $"-1 {result.Errno} ({result.Errno.Describe()})",
            SysOutcome.Blocked => "? <blocked>",
            _ => $"? +++ killed by {result.KilledBy} +++",
        };
        Record(new SyscallEvent(Clock, caller, result.Call, result.Args, text, result.IsFailed ? result.Errno : null));
        return result;
    }

    private static SysResult<T> Fail<T>(string call, string args, Pid caller, Errno errno, string reason) =>
        SysResult<T>.Fail(call, args, errno, $"{call}() by {caller} failed: {errno} ({reason})");

    private SysResult<T> Failed<T>(string call, string args, Pid caller, Errno errno, string reason) =>
        Finish(caller, Fail<T>(call, args, caller, errno, reason));

    // ----- PIDs -----

    /// <summary>The PID the next allocation would return, or null when every PID below pid_max is taken.</summary>
    private int? PeekFreePid()
    {
        int limit = Options.PidMax;
        int wrapTo = limit > 600 ? 300 : 2; // Linux wraps to 300 (RESERVED_PIDS); tiny machines wrap to 2
        for (int i = 0, candidate = _lastPid; i < limit; i++)
        {
            candidate++;
            if (candidate >= limit) candidate = wrapTo;
            if (!_idsInUse.Contains(candidate)) return candidate;
        }
        return null;
    }

    private Pid AllocatePid()
    {
        int pid = PeekFreePid() ?? throw new KernelBugException("no free PID after checking there was one");
        _lastPid = pid;
        _idsInUse.Add(pid);
        return new Pid(pid);
    }

    /// <summary>Tasks (threads, zombies included) owned by a user: what RLIMIT_NPROC counts.</summary>
    private int TasksOfUser(int uid) =>
        _processes.Values.Where(p => p.Uid == uid).Sum(p => Math.Max(1, p.ThreadList.Count(t => t.State != SimThreadState.Exited)));

    // ----- init -----

    private void CreateInit()
    {
        Tick();
        var init = new Process(AllocatePid(), uid: 0) { Command = "init", Argv = ["/sbin/init"], Executable = "/sbin/init", Pgid = Pid.Init };
        var exe = Programs.Find("/sbin/init")!;
        _processes.Add(init.Pid.Value, init);
        var thread = AddThread(init, init.Pid);
        _currentActor = init.Pid;
        init.AddressSpace = NewImage(exe);
        if (LoadImage(init, init.AddressSpace, 1) != AccessOutcome.Ok)
            throw new ArgumentException($"MachineOptions.Frames = {Options.Frames} is too small to load init");
        Record(new ProcessCreated(Clock, Pid.Zero, init.Pid, Pid.Zero, CloneFlags.None, IsThread: false));
        Record(new ProcessExeced(Clock, init.Pid, exe.Path, new ValueList<string>(init.Argv)));
        _ = thread;
    }

    private SimThread AddThread(Process process, Pid tid)
    {
        var thread = new SimThread(tid, process);
        process.ThreadList.Add(thread);
        _threads.Add(tid.Value, thread);
        _idsInUse.Add(tid.Value);
        return thread;
    }

    private AddressSpace NewImage(Executable exe)
    {
        var space = AddressSpace.ForImage(Memory, Layout, exe.Path, exe.CodePages, exe.DataPages);
        space.Id = _nextSpaceId++;
        return space;
    }

    /// <summary>
    /// What a new image touches before its first instruction: the first code page (the entry point) and the
    /// top stack page (where exec writes argc and argv). Returns the first failure.
    /// </summary>
    private AccessOutcome LoadImage(Process process, AddressSpace space, int argc)
    {
        var code = space.Segments.First(s => s.Kind == SegmentKind.Code);
        var outcome = space.Touch(code.Start.Value / (ulong)PageSize, write: false, process.Faults, out var fault, out _);
        if (outcome != AccessOutcome.Ok) return outcome;
        RecordFault(process.Pid, code.Start, false, fault);
        var top = new VirtualAddress(Layout.StackTop - 8);
        outcome = space.Touch(top.Value / (ulong)PageSize, write: true, process.Faults, out fault, out int frame);
        if (outcome != AccessOutcome.Ok) return outcome;
        RecordFault(process.Pid, top, true, fault);
        Memory.WriteWord(new FrameNumber(frame), top.Offset(PageSize) / 8, (ulong)argc);
        return AccessOutcome.Ok;
    }

    /// <summary>Frames a fresh image needs at exec (a code page not yet in the page cache, a stack page).</summary>
    private int FramesForImage(Executable exe) => (Memory.TryFindCached(exe.Path, 0, out _) ? 0 : 1) + 1;

    private void RecordFault(Pid pid, VirtualAddress address, bool write, FaultInfo fault)
    {
        if (!Options.RecordMemoryEvents || !fault.Happened) return;
        Record(new PageFault(Clock, pid, address, fault.Kind, write,
            fault.OldFrame >= 0 ? new FrameNumber(fault.OldFrame) : null,
            fault.NewFrame >= 0 ? new FrameNumber(fault.NewFrame) : null));
    }
}
