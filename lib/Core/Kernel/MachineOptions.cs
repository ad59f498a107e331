namespace CourseKit.Kernel;

/// <summary>
/// The hardware and kernel settings of a simulated machine. Small machines (a few dozen frames, a low
/// process limit) make the limits reachable in a lesson.
/// </summary>
public sealed record MachineOptions
{
    /// <summary>Physical memory in frames (4096 frames of 4 KiB = 16 MiB).</summary>
    public int Frames { get; init; } = 4096;
    /// <summary>Bytes per page and frame (a power of two, 4096 as on x86-64).</summary>
    public int PageSize { get; init; } = 4096;
    /// <summary>/proc/sys/kernel/pid_max: PIDs go from 1 to PidMax - 1, then wrap.</summary>
    public int PidMax { get; init; } = 32768;
    /// <summary>RLIMIT_NPROC of the student's user: fork fails with EAGAIN when the user has this many tasks (root is exempt).</summary>
    public int MaxProcessesPerUser { get; init; } = 4096;
    /// <summary>True: fork shares pages copy-on-write. False: fork copies every resident private page at once (pre-COW Unix).</summary>
    public bool CopyOnWrite { get; init; } = true;
    /// <summary>
    /// False (Linux): fork copies the parent's page tables, entry by entry, and bumps the map count of every
    /// resident page, so fork costs time in proportion to the process's size. True: on-demand fork, the idea of
    /// On-Demand-Fork (Zhao et al., EuroSys 2021) taken one level up: the child's page table points at the
    /// parent's page-table directories (each covers 1 GiB), shared copy-on-write like the pages, so fork costs
    /// the same whatever the size; the first change below a shared directory copies the path down to the entry
    /// (the directory's 512 pointers, then one leaf of 512 entries). Every count a process or a view shows
    /// (faults, Rss, Pss, smaps, map counts, free frames) is the same either way. Needs <see cref="CopyOnWrite"/>.
    /// </summary>
    public bool OnDemandFork { get; init; }
    /// <summary>
    /// True (stock Linux): a read of an untouched anonymous private page maps the one shared, read-only zero
    /// page (no frame allocated, Rss unchanged); the first write then allocates a zeroed frame. False: every
    /// first touch allocates a frame, as Linux with the zero page disabled (and the simulator before).
    /// </summary>
    public bool ZeroPage { get; init; } = true;
    /// <summary>Seed of the machine's random source (interleavings): same seed, same run.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>When true, init reaps its zombie children at once, as a real init does; false keeps them visible.</summary>
    public bool InitReapsZombies { get; init; } = true;
    /// <summary>The user ID of processes started with <see cref="Machine.Start"/>.</summary>
    public int UserId { get; init; } = 1000;
    /// <summary>ARG_MAX: execve fails with E2BIG when the argument strings take more bytes than this.</summary>
    public long ArgMax { get; init; } = 2 * 1024 * 1024;
    /// <summary>Record page faults and frame allocations as events (turn off for big benchmarks).</summary>
    public bool RecordMemoryEvents { get; init; } = true;
    /// <summary>Write core dumps (sets bit 0x80 in the status of a process killed by SIGSEGV, SIGABRT...).</summary>
    public bool CoreDumps { get; init; }

    internal void Validate()
    {
        Check(Frames >= 16, nameof(Frames), Frames, "at least 16 frames (init needs a few)");
        Check(PageSize >= 64 && PageSize <= 65536 && int.IsPow2(PageSize), nameof(PageSize), PageSize, "a power of two from 64 to 65536");
        Check(PidMax >= 4, nameof(PidMax), PidMax, "at least 4");
        Check(MaxProcessesPerUser >= 1, nameof(MaxProcessesPerUser), MaxProcessesPerUser, "at least 1");
        Check(UserId > 0, nameof(UserId), UserId, "a non-root user ID (> 0)");
        Check(ArgMax >= 64, nameof(ArgMax), ArgMax, "at least 64 bytes");
        Check(!OnDemandFork || CopyOnWrite, nameof(OnDemandFork), OnDemandFork, "false when CopyOnWrite is false (on-demand fork shares page tables copy-on-write)");
    }

    private static void Check(bool ok, string name, object value, string allowed)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"MachineOptions.{name} = {value}: it must be {allowed}");
    }
}
