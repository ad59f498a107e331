using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Files;

/// <summary>Settings of the simulated file layer (Linux's defaults unless a lesson wants small numbers).</summary>
public sealed record FileSystemOptions
{
    /// <summary>Bytes a pipe buffers before a writer sleeps (Linux: 16 pages = 65536).</summary>
    public int PipeCapacity { get; init; } = 65536;

    /// <summary>PIPE_BUF: writes up to this size go into a pipe all at once or not at all (Linux: 4096).</summary>
    public int PipeBuf { get; init; } = 4096;

    /// <summary>RLIMIT_NOFILE: fds 0 .. MaxFds-1 may be open in one process (Linux's default soft limit: 1024).</summary>
    public int MaxFds { get; init; } = 1024;

    internal void Validate()
    {
        if (PipeCapacity < 1) throw new ArgumentOutOfRangeException(nameof(PipeCapacity), PipeCapacity, "a pipe must hold at least one byte");
        if (PipeBuf < 1 || PipeBuf > PipeCapacity) throw new ArgumentOutOfRangeException(nameof(PipeBuf), PipeBuf, "PIPE_BUF must be between 1 and the pipe capacity");
        if (MaxFds < 3) throw new ArgumentOutOfRangeException(nameof(MaxFds), MaxFds, "a process needs at least fds 0, 1 and 2");
    }
}

/// <summary>
/// The file layer of a <see cref="Machine"/>: a tiny file system (the terminal, /dev/null, regular files, the
/// catalogue's programs), per-process fd tables, open file descriptions and pipes, and the system calls on them
/// (open, close, read, write, dup, dup2, pipe2, lseek, fcntl), with Linux's semantics and errno results.
/// </summary>
/// <remarks>
/// <para>Three levels, as in Linux: an fd is an index into a per-process fd table; the table's slot points at an
/// open file description (offset, status flags); the description points at the file or pipe. fork copies the
/// table but not the descriptions, which is why a parent and child writing to one inherited fd do not overwrite
/// each other: they share one offset.</para>
/// <para>A call that would sleep (reading an empty pipe whose write end is open, writing a full pipe) puts the
/// thread to sleep with the kernel's blocking mechanism and returns a Blocked result naming the pipe and who
/// holds its other end; the caller retries the same call once woken. So a pipeline whose write end was left
/// open in the shell shows up in the scheduler's deadlock report as a reader blocked on that pipe.</para>
/// <para>Attach it once, right after boot: every live process gets fds 0, 1 and 2 on the terminal, and every
/// process created later inherits its parent's table through fork.</para>
/// </remarks>
public sealed partial class FileSystem
{
    private static readonly ConditionalWeakTable<Machine, FileSystem> AttachedTo = [];

    private readonly SortedDictionary<string, RegularFile> _files = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _directories = new(StringComparer.Ordinal) { "/", "/bin", "/dev", "/home", "/home/student", "/sbin", "/tmp", "/usr", "/usr/bin" };
    private readonly SortedDictionary<int, OpenFile> _openFiles = [];
    private readonly SortedDictionary<int, FileTable> _tables = [];
    private readonly SortedDictionary<int, Pipe> _pipes = [];
    private readonly Dictionary<SimThread, PartialWrite> _partialWrites = [];
    private int _nextOpenFileId = 1;
    private int _nextTableId = 1;
    private int _nextPipeId = 1;

    private FileSystem(Machine machine, FileSystemOptions options)
    {
        Machine = machine;
        Options = options;
    }

    /// <summary>
    /// Gives <paramref name="machine"/> a file layer: the terminal opened once as fds 0, 1 and 2 of init, and a
    /// copy of init's table for every other live process (as if inherited). Returns the existing layer when the
    /// machine already has one.
    /// </summary>
    public static FileSystem Attach(Machine machine, FileSystemOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (AttachedTo.TryGetValue(machine, out var existing)) return existing;
        options ??= new FileSystemOptions();
        options.Validate();
        var fs = new FileSystem(machine, options);
        AttachedTo.Add(machine, fs);
        var console = fs.NewOpenFile(FileKind.Terminal, "/dev/tty", OpenFlags.ReadWrite);
        var initTable = fs.NewTable();
        for (int fd = 0; fd < 3; fd++) initTable.Install(fd, console, closeOnExec: false);
        foreach (var process in machine.Processes.Where(p => p.ExitStatus is null && p.FileTable is null))
            process.FileTable = process.Pid == Pid.Init ? initTable : initTable.CopyForFork();
        if (machine.Init.FileTable != initTable) initTable.Release();
        return fs;
    }

    /// <summary>The file layer attached to <paramref name="machine"/>, or null.</summary>
    public static FileSystem? Of(Machine machine) => AttachedTo.TryGetValue(machine, out var fs) ? fs : null;

    /// <summary>The machine whose processes use these files.</summary>
    public Machine Machine { get; }

    /// <summary>The settings (pipe capacity, PIPE_BUF, fd limit).</summary>
    public FileSystemOptions Options { get; }

    /// <summary>The terminal: what processes wrote to it, and typed input waiting to be read.</summary>
    public Terminal Terminal { get; } = new();

    /// <summary>Open file descriptions alive now (each referenced by at least one fd).</summary>
    public int OpenFileCount => _openFiles.Count;

    /// <summary>Pipes alive now (at least one end open).</summary>
    public int PipeCount => _pipes.Count;

    // ----- the tree of files (setup helpers, not system calls) -----

    /// <summary>Creates or replaces a regular file with <paramref name="contents"/> (lesson setup; parent directories are created).</summary>
    public void CreateFile(string path, string contents = "")
    {
        string full = Normalize(path, "/");
        if (IsDirectory(full)) throw new ArgumentException($"{full} is a directory", nameof(path));
        AddDirectory(Parent(full));
        var file = new RegularFile(full);
        file.Content.Append(contents);
        _files[full] = file;
    }

    /// <summary>Creates a directory and its parents (lesson setup).</summary>
    public void AddDirectory(string path)
    {
        for (string dir = Normalize(path, "/"); ; dir = Parent(dir))
        {
            _directories.Add(dir);
            if (dir == "/") return;
        }
    }

    /// <summary>The contents of a regular file, or null when there is none.</summary>
    public string? ReadFile(string path) => _files.GetValueOrDefault(Normalize(path, "/"))?.Content.ToString();

    /// <summary>True for a directory of the simulated tree (explicit, or the parent of some file).</summary>
    public bool IsDirectory(string path)
    {
        string full = Normalize(path, "/");
        if (_directories.Contains(full)) return true;
        string prefix = full == "/" ? "/" : full + "/";
        return _files.Keys.Any(f => f.StartsWith(prefix, StringComparison.Ordinal))
            || Machine.Programs.Any(e => e.Path.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// The names in a directory, sorted as ls sorts them in the C locale: regular files, programs of the
    /// catalogue, devices and subdirectories. Null when <paramref name="path"/> is not a directory.
    /// </summary>
    public IReadOnlyList<string>? List(string path)
    {
        string dir = Normalize(path, "/");
        if (!IsDirectory(dir)) return null;
        string prefix = dir == "/" ? "/" : dir + "/";
        var all = _files.Keys.Concat(Machine.Programs.Select(e => e.Path)).Concat(_directories).Concat(["/dev/tty", "/dev/null"]);
        return [.. all.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length)
            .Select(p => p[prefix.Length..].Split('/')[0]).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>Makes a path absolute against <paramref name="cwd"/> and removes ".", ".." and repeated slashes.</summary>
    internal static string Normalize(string path, string cwd)
    {
        var parts = new List<string>();
        foreach (var part in (path.StartsWith('/') ? path : cwd + "/" + path).Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
            else parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    private static string Parent(string full) => full == "/" ? "/" : full.LastIndexOf('/') is 0 ? "/" : full[..full.LastIndexOf('/')];

    // ----- object lifetimes (the only places that create or free tables, descriptions and pipes) -----

    internal FileTable NewTable()
    {
        var table = new FileTable(this, _nextTableId++);
        _tables.Add(table.Id, table);
        return table;
    }

    internal void Forget(FileTable table) => _tables.Remove(table.Id);

    private OpenFile NewOpenFile(FileKind kind, string name, OpenFlags flags, RegularFile? file = null, Pipe? pipe = null)
    {
        var open = new OpenFile(_nextOpenFileId++, kind, name, flags & ~OpenFlags.CloseOnExec & ~OpenFlags.Create & ~OpenFlags.Exclusive & ~OpenFlags.Truncate)
            { File = file, Pipe = pipe };
        _openFiles.Add(open.Id, open);
        return open;
    }

    /// <summary>
    /// An fd stopped pointing at <paramref name="file"/>. The last reference frees the description; for a pipe end
    /// that is what readers (end-of-file) and writers (EPIPE) sleeping on the other end are woken for.
    /// </summary>
    internal void Unreference(OpenFile file)
    {
        if (--file.References > 0) return;
        if (file.References < 0) throw new KernelBugException($"open file {file.Id} ({file.Name}) has a negative reference count");
        _openFiles.Remove(file.Id);
        if (file.Pipe is not { } pipe) return;
        if (file.Kind == FileKind.PipeWriteEnd && --pipe.Writers == 0)
            WakeAll(pipe.WaitingReaders, $"the last write end of {pipe.Name} was closed: readers see end-of-file");
        if (file.Kind == FileKind.PipeReadEnd && --pipe.Readers == 0)
            WakeAll(pipe.WaitingWriters, $"the last read end of {pipe.Name} was closed: writers get EPIPE");
        if (pipe.Readers == 0 && pipe.Writers == 0) _pipes.Remove(pipe.Id); // the buffer goes with it
    }

    private void WakeAll(List<SimThread> sleepers, string why)
    {
        foreach (var thread in sleepers.ToList())
            if (thread.State == SimThreadState.Blocked && thread.Channel == WaitChannel.Other) Machine.Wake(thread, why);
        sleepers.Clear();
    }

    // ----- system call plumbing -----

    /// <summary>
    /// Start of every call: ticks the clock, finds the caller and its fd table. Returns the result to give back
    /// at once when there is no such thread (ESRCH), it is asleep, or it has no fd table.
    /// </summary>
    private SysResult<T>? Enter<T>(Pid caller, string call, string args, out SimThread thread, out FileTable table)
    {
        Machine.Tick();
        thread = Machine.Thread(caller)!;
        table = null!;
        if (thread is null)
        {
            string why = Machine.Process(caller) is { State: ProcessState.Zombie } ? $"{caller} is a zombie: it has exited and makes no more calls"
                : $"there is no live thread with ID {caller.Value}";
            return Failed<T>(call, args, caller, Errno.ESRCH, why);
        }
        if (thread.State == SimThreadState.Blocked)
            return Finish(caller, SysResult<T>.Block(call, args, $"{thread} is asleep ({thread.BlockedOn}) and cannot make a call until it is woken"));
        if (thread.Process.FileTable is not FileTable own || own.Fs != this)
            return Failed<T>(call, args, caller, Errno.EBADF, $"{thread.Process} has no fd table from this file system (it was created before FileSystem.Attach)");
        table = own;
        return null;
    }

    private SysResult<T> Finish<T>(Pid caller, SysResult<T> result) => Machine.Finish(caller, result);

    private SysResult<T> Failed<T>(string call, string args, Pid caller, Errno errno, string reason) =>
        Finish(caller, SysResult<T>.Fail(call, args, errno, $"{call}() by {caller} failed: {errno} ({reason})"));

    private SysResult<T> Ok<T>(string call, string args, Pid caller, T value, string? text = null) =>
        Finish(caller, SysResult<T>.Ok(call, args, value, text));

    /// <summary>Puts the caller to sleep on a pipe; it retries the same call when woken.</summary>
    private SysResult<T> Sleep<T>(SimThread thread, List<SimThread> queue, string call, string args, string reason)
    {
        if (!queue.Contains(thread)) queue.Add(thread);
        Machine.Block(thread, WaitChannel.Other, reason);
        return Finish(thread.Tid, SysResult<T>.Block(call, args, $"{thread} sleeps in {call}: {reason}"));
    }

    /// <summary>The reason an fd cannot be used, for EBADF messages.</summary>
    private static string NotOpen(Fd fd, SimThread thread) => $"{fd} is not open in {thread.Process}";

    /// <summary>Who holds an end of a pipe open, e.g. "pid 3 (sh) as fd 4, pid 5 (wc) as fd 1" (for messages about sleeping).</summary>
    internal string Holders(Pipe pipe, FileKind end)
    {
        var holders = new List<string>();
        foreach (var process in Machine.Processes.Where(p => p.FileTable is FileTable))
        {
            var fds = ((FileTable)process.FileTable!).Entries.Where(e => e.Value.File.Pipe == pipe && e.Value.File.Kind == end).Select(e => e.Key.ToString(CultureInfo.InvariantCulture)).ToList();
            if (fds.Count > 0) holders.Add($"{process} as fd {string.Join(", ", fds)}");
        }
        return holders.Count == 0 ? "no process (only a description in flight)" : string.Join("; ", holders);
    }

    /// <summary>A string as strace prints it: quoted, escapes, cut after 32 characters.</summary>
    internal static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text.Length > 32 ? text[..32] : text)
            sb.Append(c switch { '\n' => "\\n", '\t' => "\\t", '"' => "\\\"", '\\' => "\\\\", < ' ' => "\\" + Convert.ToString(c, 8), _ => c.ToString() });
        sb.Append('"');
        if (text.Length > 32) sb.Append("...");
        return sb.ToString();
    }

    private sealed record PartialWrite(OpenFile File, string Text, int Written);
}

public sealed partial class FileSystem
{
    /// <summary>isatty-like query (no system call is recorded): what <paramref name="fd"/> of the thread's process points at, or null when it is not open.</summary>
    public FileKind? KindOf(Pid tid, Fd fd) =>
        Machine.Thread(tid)?.Process.FileTable is FileTable table && table.TryGet(fd, out var entry) ? entry.File.Kind : null;

    /// <summary>
    /// How many bytes of the write the thread is sleeping in already went into the pipe; forgets the partial
    /// write, so the caller (stdio) can keep only the rest and write it later as a new call.
    /// </summary>
    internal int TakePartialWrite(Pid tid) =>
        Machine.Thread(tid) is { } thread && _partialWrites.Remove(thread, out var partial) ? partial.Written : 0;
}
