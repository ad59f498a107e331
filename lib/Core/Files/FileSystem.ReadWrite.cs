using System.Globalization;
using CourseKit.Kernel;

namespace CourseKit.Files;

public sealed partial class FileSystem
{
    /// <summary>
    /// read(fd, count): up to <paramref name="count"/> bytes from the fd (the text is the value; "" means
    /// end-of-file). A regular file is read from the shared offset. An empty pipe puts the caller to sleep while
    /// some write end is open anywhere (Blocked: retry when woken) and gives end-of-file once every write end is
    /// closed — so a forgotten write end makes the reader wait forever. The terminal gives typed input, or
    /// end-of-file when nothing was typed. EBADF (fd not open, or not open for reading), EISDIR, EAGAIN
    /// (O_NONBLOCK and nothing to read), EINVAL (negative count).
    /// </summary>
    public SysResult<string> Read(Pid caller, Fd fd, int count = 4096)
    {
        string args = $"{fd.Value}, {count}";
        if (Enter<string>(caller, "read", args, out var thread, out var table) is { } early) return early;
        if (count < 0) return Failed<string>("read", args, caller, Errno.EINVAL, $"the count {count} is negative");
        if (!table.TryGet(fd, out var entry)) return Failed<string>("read", args, caller, Errno.EBADF, NotOpen(fd, thread));
        var file = entry.File;
        if (!file.Flags.CanRead())
            return Failed<string>("read", args, caller, Errno.EBADF, file.Kind == FileKind.PipeWriteEnd
                ? $"{fd} is the write end of {file.Name}; read from its read end"
                : $"{fd} ({file.Name}) was opened for writing only");
        string data;
        switch (file.Kind)
        {
            case FileKind.Directory:
                return Failed<string>("read", args, caller, Errno.EISDIR, $"{fd} is the directory {file.Name}: list it (getdents, ls) instead of reading it");
            case FileKind.Terminal:
                data = Terminal.TakeInput(count);
                break;
            case FileKind.NullDevice:
                data = "";
                break;
            case FileKind.Regular:
                var content = file.File!.Content;
                int start = (int)Math.Min(file.Offset, content.Length);
                data = content.ToString(start, Math.Min(count, content.Length - start));
                file.Offset += data.Length;
                break;
            default:
                var pipe = file.Pipe!;
                if (pipe.Buffer.Length == 0 && count > 0)
                {
                    if (pipe.Writers == 0) { data = ""; break; }
                    if ((file.Flags & OpenFlags.NonBlock) != 0)
                        return Failed<string>("read", args, caller, Errno.EAGAIN, $"{pipe.Name} is empty and O_NONBLOCK is set");
                    return Sleep<string>(thread, pipe.WaitingReaders, "read", args,
                        $"read from {pipe.Name} ({fd}): the pipe is empty and its write end is still open in {Holders(pipe, FileKind.PipeWriteEnd)}");
                }
                data = pipe.Buffer.ToString(0, Math.Min(count, pipe.Buffer.Length));
                pipe.Buffer.Remove(0, data.Length);
                if (data.Length > 0) WakeAll(pipe.WaitingWriters, $"{data.Length} bytes were read from {pipe.Name}");
                break;
        }
        return Ok("read", $"{fd.Value}, {Quote(data)}, {count}", caller, data, data.Length.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// write(fd, text): returns the number of bytes written. The terminal shows the text; /dev/null drops it; a
    /// regular file is written at the shared offset (at the end with O_APPEND). A pipe with no read end open
    /// anywhere sends SIGPIPE to the caller (which kills it unless SIGPIPE is ignored or caught; then EPIPE). A
    /// full pipe puts the caller to sleep until a reader makes room; writes of at most PIPE_BUF bytes go in all
    /// at once, larger ones piece by piece (the caller retries the same call and it goes on where it stopped).
    /// EBADF (fd not open, or not open for writing), EAGAIN (O_NONBLOCK and no room).
    /// </summary>
    public SysResult<int> Write(Pid caller, Fd fd, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string args = $"{fd.Value}, {Quote(text)}, {text.Length}";
        if (Enter<int>(caller, "write", args, out var thread, out var table) is { } early) return early;
        if (!table.TryGet(fd, out var entry)) return Failed<int>("write", args, caller, Errno.EBADF, NotOpen(fd, thread));
        var file = entry.File;
        if (!file.Flags.CanWrite())
            return Failed<int>("write", args, caller, Errno.EBADF, file.Kind == FileKind.PipeReadEnd
                ? $"{fd} is the read end of {file.Name}; write to its write end"
                : $"{fd} ({file.Name}) was opened for reading only");
        switch (file.Kind)
        {
            case FileKind.Terminal:
                Terminal.Show(text);
                var result = Ok("write", args, caller, text.Length);
                if (text.Length > 0) Machine.RecordOutput(caller, text);
                return result;
            case FileKind.NullDevice:
                return Ok("write", args, caller, text.Length);
            case FileKind.Regular:
                var content = file.File!.Content;
                if ((file.Flags & OpenFlags.Append) != 0) file.Offset = content.Length;
                if (file.Offset > content.Length) content.Append('\0', (int)(file.Offset - content.Length));
                int overlap = (int)Math.Min(text.Length, content.Length - file.Offset);
                content.Remove((int)file.Offset, overlap).Insert((int)file.Offset, text);
                file.Offset += text.Length;
                return Ok("write", args, caller, text.Length);
            default:
                return WriteToPipe(thread, fd, file, text, args);
        }
    }

    private SysResult<int> WriteToPipe(SimThread thread, Fd fd, OpenFile file, string text, string args)
    {
        var pipe = file.Pipe!;
        var caller = thread.Tid;
        if (text.Length == 0) return Ok("write", args, caller, 0); // Linux returns 0 before looking for readers: no SIGPIPE
        foreach (var gone in _partialWrites.Keys.Where(t => t.State == SimThreadState.Exited).ToList()) _partialWrites.Remove(gone);
        int written = _partialWrites.Remove(thread, out var partial) && partial.File == file && partial.Text == text ? partial.Written : 0;
        if (pipe.Readers == 0)
        {
            var process = thread.Process;
            Machine.DeliverSignal(process, Signal.SIGPIPE, null);
            string why = $"no process has the read end of {pipe.Name} open any more, so nobody could ever read this";
            if (process.ExitStatus is not null)
                return Finish(caller, SysResult<int>.Kill("write", args, Signal.SIGPIPE, $"write() by {caller} to {pipe.Name}: {why}; the kernel sent SIGPIPE, which killed it"));
            return Failed<int>("write", args, caller, Errno.EPIPE, $"{why}; SIGPIPE was sent and {(process.Signals[Signal.SIGPIPE] == SignalDisposition.Ignore ? "ignored" : "caught")}");
        }
        bool atomic = text.Length <= Options.PipeBuf;
        int room = pipe.Free;
        int chunk = atomic ? (room >= text.Length ? text.Length : 0) : Math.Min(room, text.Length - written);
        if (chunk > 0)
        {
            pipe.Buffer.Append(text, written, chunk);
            written += chunk;
            WakeAll(pipe.WaitingReaders, $"{chunk} bytes were written to {pipe.Name}");
        }
        if (written == text.Length) return Ok("write", args, caller, text.Length);
        if ((file.Flags & OpenFlags.NonBlock) != 0)
            return written > 0 ? Ok("write", args, caller, written)
                : Failed<int>("write", args, caller, Errno.EAGAIN, $"{pipe.Name} has room for {room} bytes, {text.Length} were asked, and O_NONBLOCK is set");
        if (written > 0) _partialWrites[thread] = new PartialWrite(file, text, written);
        return Sleep<int>(thread, pipe.WaitingWriters, "write", args,
            $"write to {pipe.Name} ({fd}): the pipe is full ({pipe.Buffer.Length} of {pipe.Capacity} bytes, {written} of {text.Length} written) and its read end is open in {Holders(pipe, FileKind.PipeReadEnd)}");
    }
}
