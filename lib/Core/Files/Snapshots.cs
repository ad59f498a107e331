using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Files;

/// <summary>
/// The file layer at one logical time: every fd table (with the processes using it), every open file
/// description and every pipe. Immutable and compared by value, for views ("who points at what") and for
/// before/after comparisons.
/// </summary>
/// <param name="Time">The machine's logical time.</param>
/// <param name="Tables">The live fd tables; a table used by several processes (CLONE_FILES) appears once.</param>
/// <param name="OpenFiles">The open file descriptions with their offsets and reference counts.</param>
/// <param name="Pipes">The live pipes with their buffered bytes and open ends.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record FilesSnapshot(long Time, ValueList<FdTableSnapshot> Tables, ValueList<OpenFileSnapshot> OpenFiles, ValueList<PipeSnapshot> Pipes)
{
    /// <summary>The fd table of <paramref name="pid"/>, or null.</summary>
    public FdTableSnapshot? TableOf(Pid pid) => Tables.FirstOrDefault(t => t.Processes.Contains(pid));

    /// <summary>The open file description with this id, or null.</summary>
    public OpenFileSnapshot? OpenFile(int id) => OpenFiles.FirstOrDefault(f => f.Id == id);

    /// <summary>Every table, description and pipe as plain text (what a view draws as boxes and arrows).</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        foreach (var table in Tables) text.Append(table).Append('\n');
        foreach (var file in OpenFiles) text.Append(file).Append('\n');
        foreach (var pipe in Pipes) text.Append(pipe).Append('\n');
        return text.ToString();
    }
}

/// <summary>One fd table: its number, the processes using it, and its open fds in order.</summary>
/// <param name="Id">The table's number (equal numbers: one shared table).</param>
/// <param name="Processes">The live processes using it (more than one after CLONE_FILES).</param>
/// <param name="Fds">The open fds, lowest first.</param>
public sealed record FdTableSnapshot(int Id, ValueList<Pid> Processes, ValueList<FdSnapshot> Fds)
{
    /// <summary>The slot for <paramref name="fd"/>, or null when it is not open.</summary>
    public FdSnapshot? this[Fd fd] => Fds.Select(f => (FdSnapshot?)f).FirstOrDefault(f => f!.Value.Fd == fd);

    /// <summary>"fd table 2 (pid 2, pid 3): 0 -> /dev/tty [file 1], 3 -> pipe:[1] [file 4] (cloexec)", like ls -l /proc/PID/fd.</summary>
    public override string ToString() =>
        $"fd table {Id} ({string.Join(", ", Processes)}): {string.Join(", ", Fds.Select(f => $"{f.Fd.Value} -> {f.Target} [file {f.OpenFileId}]{(f.CloseOnExec ? " (cloexec)" : "")}"))}";
}

/// <summary>One open fd: the description it points at and its close-on-exec flag.</summary>
/// <param name="Fd">The fd number.</param>
/// <param name="OpenFileId">The open file description's id (equal ids: shared offset and flags).</param>
/// <param name="Target">What it refers to: a path or "pipe:[N]" (as ls -l /proc/PID/fd shows).</param>
/// <param name="Kind">Terminal, regular file, pipe end...</param>
/// <param name="CloseOnExec">FD_CLOEXEC: closed by a successful execve.</param>
public readonly record struct FdSnapshot(Fd Fd, int OpenFileId, string Target, FileKind Kind, bool CloseOnExec)
{
    /// <summary>"3 -> pipe:[1] (cloexec)".</summary>
    public override string ToString() => $"{Fd.Value} -> {Target}{(CloseOnExec ? " (cloexec)" : "")}";
}

/// <summary>One open file description (struct file).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Kind">What it refers to.</param>
/// <param name="Name">The path or "pipe:[N]".</param>
/// <param name="Flags">Access mode and status flags as strace prints them ("O_WRONLY|O_APPEND").</param>
/// <param name="Offset">The shared file offset.</param>
/// <param name="References">How many fd table slots point at it (it is freed at 0).</param>
public sealed record OpenFileSnapshot(int Id, FileKind Kind, string Name, string Flags, long Offset, int References)
{
    /// <summary>"file 4: pipe:[1] O_WRONLY offset 0, 2 references".</summary>
    public override string ToString() => $"file {Id}: {Name} {Flags} offset {Offset}, {References} reference{(References == 1 ? "" : "s")}";
}

/// <summary>One pipe.</summary>
/// <param name="Id">The pipe's inode number.</param>
/// <param name="Name">"pipe:[N]".</param>
/// <param name="Capacity">Bytes it can hold.</param>
/// <param name="Buffered">The bytes written and not yet read.</param>
/// <param name="Readers">Open descriptions of the read end (0: writers get SIGPIPE).</param>
/// <param name="Writers">Open descriptions of the write end (0: readers get end-of-file).</param>
/// <param name="WaitingReaders">Threads asleep until data arrives or the last writer closes.</param>
/// <param name="WaitingWriters">Threads asleep until there is room or the last reader closes.</param>
public sealed record PipeSnapshot(int Id, string Name, int Capacity, string Buffered, int Readers, int Writers,
    ValueList<Pid> WaitingReaders, ValueList<Pid> WaitingWriters)
{
    /// <summary>"pipe:[1]: 6 of 65536 bytes buffered, 1 read end, 2 write ends, readers asleep: pid 5".</summary>
    public override string ToString() =>
        $"{Name}: {Buffered.Length} of {Capacity} bytes buffered, {Readers} read end{(Readers == 1 ? "" : "s")}, {Writers} write end{(Writers == 1 ? "" : "s")}"
        + (WaitingReaders.Count > 0 ? $", readers asleep: {string.Join(", ", WaitingReaders)}" : "")
        + (WaitingWriters.Count > 0 ? $", writers asleep: {string.Join(", ", WaitingWriters)}" : "");
}

public sealed partial class FileSystem
{
    /// <summary>An immutable picture of every fd table, open file description and pipe now.</summary>
    public FilesSnapshot Snapshot()
    {
        var users = LiveUsers();
        var tables = _tables.Values.Select(t => new FdTableSnapshot(t.Id,
            new ValueList<Pid>(users.GetValueOrDefault(t) ?? []),
            new ValueList<FdSnapshot>(t.Entries.Select(e => new FdSnapshot(new Fd(e.Key), e.Value.File.Id, e.Value.File.Name, e.Value.File.Kind, e.Value.CloseOnExec)))));
        var files = _openFiles.Values.Select(f => new OpenFileSnapshot(f.Id, f.Kind, f.Name, f.Flags.ToStraceString(), f.Offset, f.References));
        var pipes = _pipes.Values.Select(p => new PipeSnapshot(p.Id, p.Name, p.Capacity, p.Buffer.ToString(), p.Readers, p.Writers,
            new ValueList<Pid>(p.WaitingReaders.Where(t => t.State == SimThreadState.Blocked).Select(t => t.Tid)),
            new ValueList<Pid>(p.WaitingWriters.Where(t => t.State == SimThreadState.Blocked).Select(t => t.Tid))));
        return new FilesSnapshot(Machine.Clock, new ValueList<FdTableSnapshot>(tables), new ValueList<OpenFileSnapshot>(files), new ValueList<PipeSnapshot>(pipes));
    }

    /// <summary>The fd table of one process (null for a zombie or a process without one).</summary>
    public FdTableSnapshot? Snapshot(Pid pid) => Snapshot().TableOf(pid);

    private Dictionary<FileTable, List<Pid>> LiveUsers()
    {
        var users = new Dictionary<FileTable, List<Pid>>();
        foreach (var process in Machine.Processes.Where(p => p.ExitStatus is null && p.FileTable is FileTable t && t.Fs == this))
        {
            var table = (FileTable)process.FileTable!;
            if (!users.TryGetValue(table, out var list)) users[table] = list = [];
            list.Add(process.Pid);
        }
        return users;
    }

    /// <summary>
    /// The file layer's invariants, as a list of broken ones (empty when all hold): every open file description
    /// is referenced exactly as many times as fd slots point at it, and none outlives its last reference; every
    /// fd table is used by exactly its live processes; every pipe's reader and writer counts match its live ends
    /// and its buffer fits its capacity; no pipe without ends is kept. The property tests check it after every step.
    /// </summary>
    public IReadOnlyList<string> CheckInvariants()
    {
        var broken = new List<string>();
        var users = LiveUsers();
        foreach (var table in _tables.Values)
        {
            int count = users.GetValueOrDefault(table)?.Count ?? 0;
            if (count != table.Users) broken.Add($"fd table {table.Id} says {table.Users} users but {count} live processes use it");
        }
        foreach (var table in users.Keys.Where(t => !_tables.ContainsKey(t.Id))) broken.Add($"fd table {table.Id} is used but was freed");
        var references = new Dictionary<OpenFile, int>();
        foreach (var table in _tables.Values)
            foreach (var entry in table.Entries.Values)
                references[entry.File] = references.GetValueOrDefault(entry.File) + 1;
        foreach (var (file, count) in references)
        {
            if (!_openFiles.ContainsKey(file.Id)) broken.Add($"an fd points at open file {file.Id} ({file.Name}), which was freed");
            if (file.References != count) broken.Add($"open file {file.Id} ({file.Name}) counts {file.References} references but {count} fds point at it");
        }
        foreach (var file in _openFiles.Values.Where(f => !references.ContainsKey(f)))
            broken.Add($"open file {file.Id} ({file.Name}) outlived its last reference");
        foreach (var pipe in _pipes.Values)
        {
            int readers = _openFiles.Values.Count(f => f.Pipe == pipe && f.Kind == FileKind.PipeReadEnd);
            int writers = _openFiles.Values.Count(f => f.Pipe == pipe && f.Kind == FileKind.PipeWriteEnd);
            if (readers != pipe.Readers || writers != pipe.Writers)
                broken.Add($"{pipe.Name} counts {pipe.Readers} readers and {pipe.Writers} writers but has {readers} and {writers} open ends");
            if (readers + writers == 0) broken.Add($"{pipe.Name} has no open end but was kept");
            if (pipe.Buffer.Length > pipe.Capacity) broken.Add($"{pipe.Name} holds {pipe.Buffer.Length} bytes, more than its capacity {pipe.Capacity}");
        }
        foreach (var file in _openFiles.Values.Where(f => f.Pipe is { } p && !_pipes.ContainsKey(p.Id)))
            broken.Add($"open file {file.Id} points at {file.Pipe!.Name}, which was freed");
        return broken;
    }
}
