using System.Text;
using CourseKit.Kernel;

namespace CourseKit.Files;

/// <summary>What an open file description refers to.</summary>
public enum FileKind
{
    /// <summary>The terminal (/dev/tty): what is written shows on the screen; reads take what the user typed.</summary>
    Terminal,
    /// <summary>/dev/null: writes vanish, reads see end-of-file at once.</summary>
    NullDevice,
    /// <summary>A regular file with contents and a size.</summary>
    Regular,
    /// <summary>A directory (readable only by listing it; read(2) gives EISDIR).</summary>
    Directory,
    /// <summary>The read end of a pipe.</summary>
    PipeReadEnd,
    /// <summary>The write end of a pipe.</summary>
    PipeWriteEnd,
}

/// <summary>
/// The terminal the machine's processes inherit as fds 0, 1 and 2 (a login opens it once and dups it, so the
/// three fds share one open file description). Output written to it is recorded as ProgramOutput events,
/// which is what a lesson shows as "the screen".
/// </summary>
public sealed class Terminal
{
    private readonly StringBuilder _screen = new();
    private readonly StringBuilder _input = new();

    /// <summary>Everything written to the terminal so far, in order.</summary>
    public string Screen => _screen.ToString();

    /// <summary>Text typed but not yet read.</summary>
    public string PendingInput => _input.ToString();

    /// <summary>
    /// Queues text as if the user typed it. A read of the terminal with nothing queued returns end-of-file (as if
    /// the user pressed Ctrl-D): a simulation cannot wait for a human, and a sleep with no waker would be a deadlock.
    /// </summary>
    public void Type(string text) => _input.Append(text);

    internal void Show(string text) => _screen.Append(text);

    internal string TakeInput(int count)
    {
        int n = Math.Min(count, _input.Length);
        string text = _input.ToString(0, n);
        _input.Remove(0, n);
        return text;
    }
}

/// <summary>A regular file of the simulated file system: a path and text contents (one character is one byte).</summary>
internal sealed class RegularFile(string path)
{
    public string Path { get; } = path;
    public StringBuilder Content { get; } = new();
}

/// <summary>
/// A pipe: a bounded buffer in the kernel with a read end and a write end. Readers sleep while it is empty and
/// some write end is open; writers sleep while it is full and some read end is open. When the last write end
/// closes, readers see end-of-file; when the last read end closes, a writer gets SIGPIPE (or EPIPE).
/// </summary>
internal sealed class Pipe(int id, int capacity)
{
    public int Id { get; } = id;
    public int Capacity { get; } = capacity;
    public StringBuilder Buffer { get; } = new();
    /// <summary>Open file descriptions of the read end (pipe->readers in Linux).</summary>
    public int Readers { get; set; } = 1;
    /// <summary>Open file descriptions of the write end.</summary>
    public int Writers { get; set; } = 1;
    public List<SimThread> WaitingReaders { get; } = [];
    public List<SimThread> WaitingWriters { get; } = [];
    public int Free => Capacity - Buffer.Length;
    /// <summary>"pipe:[3]", as ls -l /proc/PID/fd shows a pipe.</summary>
    public string Name => $"pipe:[{Id}]";
}

/// <summary>
/// An open file description (Linux's <c>struct file</c>): what open or pipe creates, and what an fd points at.
/// It holds the offset and the status flags, so every fd that points at it (after dup, or in parent and child
/// after fork) shares them: a read through one fd moves the offset seen through the others. It lives as long
/// as some fd table entry points at it (<see cref="References"/>).
/// </summary>
internal sealed class OpenFile(int id, FileKind kind, string name, OpenFlags flags)
{
    public int Id { get; } = id;
    public FileKind Kind { get; } = kind;
    /// <summary>The path, or "pipe:[N]".</summary>
    public string Name { get; } = name;
    /// <summary>Access mode, O_APPEND and O_NONBLOCK (never O_CLOEXEC: that belongs to the fd).</summary>
    public OpenFlags Flags { get; set; } = flags;
    public long Offset { get; set; }
    /// <summary>fd table entries pointing here, over all tables (a table shared with CLONE_FILES counts once).</summary>
    public int References { get; set; }
    public RegularFile? File { get; init; }
    public Pipe? Pipe { get; init; }
}
