using System.Text;
using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Files;

/// <summary>How the C library buffers a stream (setvbuf's modes).</summary>
public enum BufferMode
{
    /// <summary>_IONBF: every printf is a write (stderr).</summary>
    Unbuffered,
    /// <summary>_IOLBF: written out at each newline (stdout on a terminal).</summary>
    LineBuffered,
    /// <summary>_IOFBF: written out when the buffer is full, at fflush and at exit (stdout into a pipe or a file).</summary>
    FullyBuffered,
}

/// <summary>
/// stdout's buffer inside one process image (glibc's <c>FILE</c> for fd 1). It lives in user memory, so fork
/// copies it — text printed but not yet written is then written twice, once by each process — exec and _exit
/// lose it, and exit and fflush write it out. The mode is chosen at the first printf, as glibc does: line
/// buffered when fd 1 is a terminal, fully buffered otherwise.
/// </summary>
public sealed class StdioBuffer : IUserSpaceState
{
    internal StringBuilder Pending { get; } = new();

    /// <summary>The mode, decided at the first output (null before).</summary>
    public BufferMode? Mode { get; internal set; }

    /// <summary>Bytes printed but not yet written to fd 1.</summary>
    public string Unwritten => Pending.ToString();

    /// <inheritdoc/>
    public IUserSpaceState CopyForFork()
    {
        var copy = new StdioBuffer { Mode = Mode };
        copy.Pending.Append(Pending);
        return copy;
    }
}

/// <summary>
/// The C library's printf, fflush and exit for simulated programs, on top of the <see cref="FileSystem"/>'s
/// write(2): text goes into the process's <see cref="StdioBuffer"/> and reaches fd 1 only when the buffer is
/// flushed. This is what makes <c>for (i = 0; i &lt; 3; i++) { fork(); printf("hello\n"); }</c> print 14 lines on
/// a terminal (each newline flushes) but 24 into a pipe (each of the 8 processes flushes at exit everything it
/// inherited).
/// </summary>
public sealed class Stdio(FileSystem files, int bufferSize = 4096)
{
    /// <summary>The file layer the buffers are written to.</summary>
    public FileSystem Files { get; } = files ?? throw new ArgumentNullException(nameof(files));

    /// <summary>BUFSIZ for a fully buffered stdout (glibc uses the file's block size: 4096 for a pipe).</summary>
    public int BufferSize { get; } = bufferSize > 0 ? bufferSize : throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "a buffer holds at least one byte");

    /// <summary>The stdout buffer of the process <paramref name="tid"/> belongs to (created at first use), or null when it has no image.</summary>
    public StdioBuffer? BufferOf(Pid tid)
    {
        var space = Files.Machine.Thread(tid)?.Process.AddressSpace;
        if (space is null) return null;
        if (space.UserSpace is not StdioBuffer buffer) space.UserSpace = buffer = new StdioBuffer();
        return buffer;
    }

    /// <summary>
    /// printf: appends <paramref name="text"/> to the buffer and writes it out when the mode says so (a newline
    /// on a terminal, a full buffer otherwise). Returns the result of the write(2) it made, or null when the text
    /// only went into the buffer.
    /// </summary>
    public SysResult<int>? Printf(Pid tid, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (BufferOf(tid) is not { } buffer) return null;
        buffer.Mode ??= IsTerminal(tid) ? BufferMode.LineBuffered : BufferMode.FullyBuffered;
        buffer.Pending.Append(text);
        bool due = buffer.Mode switch
        {
            BufferMode.Unbuffered => true,
            BufferMode.LineBuffered => text.Contains('\n') || buffer.Pending.Length >= BufferSize,
            _ => buffer.Pending.Length >= BufferSize,
        };
        return due ? Fflush(tid) : null;
    }

    /// <summary>
    /// fflush(stdout): writes the buffer to fd 1 (one write call). What was written leaves the buffer; when the
    /// write sleeps on a full pipe, the part not yet written stays for the next flush. Null when there was
    /// nothing to write.
    /// </summary>
    public SysResult<int>? Fflush(Pid tid)
    {
        if (BufferOf(tid) is not { } buffer || buffer.Pending.Length == 0) return null;
        string text = buffer.Pending.ToString();
        var result = Files.Write(tid, Fd.Stdout, text);
        if (result.IsOk) buffer.Pending.Remove(0, result.Value);
        else if (result.IsBlocked) buffer.Pending.Remove(0, Files.TakePartialWrite(tid));
        else if (result.IsFailed) buffer.Pending.Clear(); // glibc marks the stream in error and drops the text
        return result;
    }

    /// <summary>
    /// exit(code) as the C library does it: flush stdout, then exit_group. When the flush sleeps (a full pipe)
    /// the process does not exit yet: the result is Blocked and exit should be called again once it is woken.
    /// </summary>
    public SysResult Exit(Pid tid, int code)
    {
        var flush = Fflush(tid);
        if (flush is { IsBlocked: true } blocked) return blocked.WithoutValue();
        if (flush is { IsKilled: true } killed) return killed.WithoutValue();
        return Files.Machine.Exit(tid, code);
    }

    /// <summary>_exit(code): exit_group at once; whatever is still in the buffer is lost with the image.</summary>
    public SysResult ExitWithoutFlush(Pid tid, int code) => Files.Machine.Exit(tid, code);

    private bool IsTerminal(Pid tid) => Files.KindOf(tid, Fd.Stdout) == FileKind.Terminal;
}
