using CourseKit.Kernel;

namespace CourseKit.Files;

/// <summary>
/// A per-process fd table (Linux's <c>struct files_struct</c>): fd number → (open file description, close-on-exec
/// flag). fork copies the table (both copies point at the same descriptions, whose reference counts rise);
/// clone(CLONE_FILES) shares the very table, so an open or close in one process is seen by the other; execve
/// unshares it and closes the fds marked close-on-exec. The kernel calls these hooks; lessons use
/// <see cref="FileSystem"/>'s system calls and snapshots.
/// </summary>
internal sealed class FileTable : IFileTable
{
    private readonly SortedDictionary<int, FdEntry> _entries = [];

    internal FileTable(FileSystem fs, int id)
    {
        Fs = fs;
        Id = id;
    }

    internal FileSystem Fs { get; }

    /// <summary>A number for views ("fd table 4"), so two processes can be seen to share one.</summary>
    internal int Id { get; }

    /// <summary>Processes using this table (more than one only through CLONE_FILES).</summary>
    internal int Users { get; private set; } = 1;

    internal IReadOnlyDictionary<int, FdEntry> Entries => _entries;

    internal bool TryGet(Fd fd, out FdEntry entry) => _entries.TryGetValue(fd.Value, out entry);

    /// <summary>The lowest free fd at or above <paramref name="from"/> (POSIX requires the lowest), or -1 at the limit.</summary>
    internal int LowestFree(int from = 0)
    {
        for (int fd = from; fd < Fs.Options.MaxFds; fd++)
            if (!_entries.ContainsKey(fd)) return fd;
        return -1;
    }

    /// <summary>Points <paramref name="fd"/> at <paramref name="file"/> (the slot must be free).</summary>
    internal void Install(int fd, OpenFile file, bool closeOnExec)
    {
        if (_entries.ContainsKey(fd)) throw new KernelBugException($"installing over open fd {fd} in fd table {Id}");
        file.References++;
        _entries[fd] = new FdEntry(file, closeOnExec);
    }

    /// <summary>Removes <paramref name="fd"/>; the description is released when this was its last reference.</summary>
    internal void Remove(int fd)
    {
        if (!_entries.Remove(fd, out var entry)) throw new KernelBugException($"closing fd {fd}, which is not open in fd table {Id}");
        Fs.Unreference(entry.File);
    }

    internal void SetCloseOnExec(int fd, bool on) => _entries[fd] = _entries[fd] with { CloseOnExec = on };

    /// <inheritdoc/>
    public IFileTable CopyForFork()
    {
        var copy = Fs.NewTable();
        foreach (var (fd, entry) in _entries) copy.Install(fd, entry.File, entry.CloseOnExec);
        return copy;
    }

    /// <inheritdoc/>
    public void Share() => Users++;

    /// <inheritdoc/>
    public IFileTable Unshare()
    {
        if (Users == 1) return this;
        var copy = (FileTable)CopyForFork();
        Users--;
        return copy;
    }

    /// <inheritdoc/>
    public void CloseOnExec()
    {
        foreach (var fd in _entries.Where(e => e.Value.CloseOnExec).Select(e => e.Key).ToList()) Remove(fd);
    }

    /// <inheritdoc/>
    public void Release()
    {
        if (Users <= 0) throw new KernelBugException($"fd table {Id} released more often than it was used");
        if (--Users > 0) return;
        foreach (var fd in _entries.Keys.ToList()) Remove(fd);
        Fs.Forget(this);
    }
}

/// <summary>One slot of an fd table: the open file description and the per-fd close-on-exec flag.</summary>
internal readonly record struct FdEntry(OpenFile File, bool CloseOnExec);
