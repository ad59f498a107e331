using System.Globalization;
using CourseKit.Kernel;

namespace CourseKit.Files;

/// <summary>The two fds pipe(2) returns: data written to <see cref="Write"/> comes out of <see cref="Read"/>.</summary>
/// <param name="Read">fds[0], the read end.</param>
/// <param name="Write">fds[1], the write end.</param>
public readonly record struct PipeFds(Fd Read, Fd Write)
{
    /// <summary>"[3, 4]", as strace prints the array.</summary>
    public override string ToString() => $"[{Read.Value}, {Write.Value}]";
}

/// <summary>The fcntl(2) commands the simulation knows, with their Linux values.</summary>
public enum FcntlCommand
{
    /// <summary>F_DUPFD: like dup, but the lowest free fd at or above the argument.</summary>
    DupFd = 0,
    /// <summary>F_GETFD: the fd flags (FD_CLOEXEC = 1).</summary>
    GetFd = 1,
    /// <summary>F_SETFD: set the fd flags (FD_CLOEXEC = 1): close-on-exec belongs to this one fd.</summary>
    SetFd = 2,
    /// <summary>F_GETFL: the access mode and status flags of the open file description.</summary>
    GetFl = 3,
    /// <summary>F_SETFL: set O_APPEND and O_NONBLOCK on the description (seen through every fd that shares it).</summary>
    SetFl = 4,
    /// <summary>F_DUPFD_CLOEXEC: F_DUPFD with close-on-exec set on the new fd.</summary>
    DupFdCloexec = 1030,
}

public sealed partial class FileSystem
{
    /// <summary>FD_CLOEXEC, the only fd flag.</summary>
    public const int FdCloexec = 1;

    /// <summary>
    /// open(path, flags) (strace shows openat(AT_FDCWD, ...)): a new open file description with offset 0, on
    /// the lowest free fd. Relative paths start at the caller's cwd. ENOENT (no such file and no O_CREAT, or a
    /// missing directory), EEXIST (O_CREAT|O_EXCL on an existing file), EISDIR (a directory opened for writing),
    /// EACCES (writing a program of the catalogue, owned by root), EINVAL (unknown flags), EMFILE (fd limit).
    /// </summary>
    public SysResult<Fd> Open(Pid caller, string path, OpenFlags flags = OpenFlags.ReadOnly)
    {
        ArgumentNullException.ThrowIfNull(path);
        string args = $"AT_FDCWD, {Quote(path)}, {flags.ToStraceString()}";
        if (Enter<Fd>(caller, "openat", args, out var thread, out var table) is { } early) return early;
        if ((flags & ~OpenFlagsText.Known) != 0 || (flags & OpenFlagsText.AccessMask) == OpenFlagsText.AccessMask)
            return Failed<Fd>("openat", args, caller, Errno.EINVAL, $"the flags 0x{(int)flags:x} are not a valid combination (unknown bits, or O_WRONLY|O_RDWR together)");
        if (path.Length == 0) return Failed<Fd>("openat", args, caller, Errno.ENOENT, "the path is empty");
        int fd = table.LowestFree();
        if (fd < 0) return Failed<Fd>("openat", args, caller, Errno.EMFILE, $"{thread.Process} already has {Options.MaxFds} open fds (RLIMIT_NOFILE)");
        string full = Normalize(path, thread.Process.Fs.Cwd);
        bool cloexec = (flags & OpenFlags.CloseOnExec) != 0;

        OpenFile file;
        if (full == "/dev/tty") file = NewOpenFile(FileKind.Terminal, full, flags);
        else if (full == "/dev/null") file = NewOpenFile(FileKind.NullDevice, full, flags);
        else if (IsDirectory(full))
        {
            if (flags.CanWrite()) return Failed<Fd>("openat", args, caller, Errno.EISDIR, $"{full} is a directory and cannot be opened for writing");
            file = NewOpenFile(FileKind.Directory, full, flags);
        }
        else if (Machine.Programs.Find(full) is { } program)
        {
            if (flags.CanWrite() || (flags & OpenFlags.Truncate) != 0)
                return Failed<Fd>("openat", args, caller, Errno.EACCES, $"{full} is a program owned by root; user {thread.Process.Uid} may only read it");
            if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive))
                return Failed<Fd>("openat", args, caller, Errno.EEXIST, $"{full} exists and O_CREAT|O_EXCL asks for a new file");
            var image = new RegularFile(full);
            image.Content.Append($"\u007fELF {program.Description}\n");
            file = NewOpenFile(FileKind.Regular, full, flags, image);
        }
        else if (_files.TryGetValue(full, out var existing))
        {
            if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive))
                return Failed<Fd>("openat", args, caller, Errno.EEXIST, $"{full} exists and O_CREAT|O_EXCL asks for a new file");
            if ((flags & OpenFlags.Truncate) != 0 && flags.CanWrite()) existing.Content.Clear();
            file = NewOpenFile(FileKind.Regular, full, flags, existing);
        }
        else
        {
            if ((flags & OpenFlags.Create) == 0) return Failed<Fd>("openat", args, caller, Errno.ENOENT, $"there is no file {full} (add O_CREAT to create it)");
            if (!IsDirectory(Parent(full))) return Failed<Fd>("openat", args, caller, Errno.ENOENT, $"the directory {Parent(full)} does not exist");
            var created = new RegularFile(full);
            _files.Add(full, created);
            file = NewOpenFile(FileKind.Regular, full, flags, created);
        }
        table.Install(fd, file, cloexec);
        return Ok("openat", args, caller, new Fd(fd), fd.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// close(fd): frees the fd. The open file description lives on while other fds (here or in other processes)
    /// point at it; closing the last write end of a pipe gives its readers end-of-file. EBADF for an fd that is
    /// not open.
    /// </summary>
    public SysResult Close(Pid caller, Fd fd)
    {
        string args = fd.Value.ToString(CultureInfo.InvariantCulture);
        if (Enter<long>(caller, "close", args, out var thread, out var table) is { } early) return early.WithoutValue();
        if (!table.TryGet(fd, out _)) return Failed<long>("close", args, caller, Errno.EBADF, NotOpen(fd, thread)).WithoutValue();
        table.Remove(fd.Value);
        return Ok("close", args, caller, 0L).WithoutValue();
    }

    /// <summary>
    /// dup(fd): the lowest free fd now points at the same open file description (shared offset and flags);
    /// close-on-exec is off on the copy. EBADF, EMFILE.
    /// </summary>
    public SysResult<Fd> Dup(Pid caller, Fd fd)
    {
        string args = fd.Value.ToString(CultureInfo.InvariantCulture);
        if (Enter<Fd>(caller, "dup", args, out var thread, out var table) is { } early) return early;
        if (!table.TryGet(fd, out var entry)) return Failed<Fd>("dup", args, caller, Errno.EBADF, NotOpen(fd, thread));
        int copy = table.LowestFree();
        if (copy < 0) return Failed<Fd>("dup", args, caller, Errno.EMFILE, $"{thread.Process} already has {Options.MaxFds} open fds (RLIMIT_NOFILE)");
        table.Install(copy, entry.File, closeOnExec: false);
        return Ok("dup", args, caller, new Fd(copy), copy.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// dup2(oldfd, newfd): makes <paramref name="newFd"/> point at <paramref name="oldFd"/>'s open file
    /// description, closing whatever newfd was first (silently, in one step). This is how a shell points a
    /// child's stdout at a pipe: dup2(pipe write end, 1). When both are the same valid fd it does nothing and
    /// returns it. EBADF when oldfd is not open or newfd is outside 0 .. RLIMIT_NOFILE-1.
    /// </summary>
    public SysResult<Fd> Dup2(Pid caller, Fd oldFd, Fd newFd)
    {
        string args = $"{oldFd.Value}, {newFd.Value}";
        if (Enter<Fd>(caller, "dup2", args, out var thread, out var table) is { } early) return early;
        if (!table.TryGet(oldFd, out var entry)) return Failed<Fd>("dup2", args, caller, Errno.EBADF, NotOpen(oldFd, thread));
        if (newFd.Value < 0 || newFd.Value >= Options.MaxFds)
            return Failed<Fd>("dup2", args, caller, Errno.EBADF, $"{newFd} is outside the fds 0..{Options.MaxFds - 1} a process may use (RLIMIT_NOFILE)");
        if (oldFd != newFd)
        {
            entry.File.References++; // hold it while newfd is closed, in case both point at the same description
            if (table.TryGet(newFd, out _)) table.Remove(newFd.Value);
            table.Install(newFd.Value, entry.File, closeOnExec: false);
            Unreference(entry.File);
        }
        return Ok("dup2", args, caller, newFd, newFd.Value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// pipe2(flags): a new pipe; returns its read end and write end on the two lowest free fds. O_CLOEXEC marks
    /// both fds close-on-exec; O_NONBLOCK makes reads of an empty pipe and writes to a full one fail with EAGAIN
    /// instead of sleeping. EINVAL for other flags, EMFILE when fewer than two fds are free.
    /// </summary>
    public SysResult<PipeFds> Pipe(Pid caller, OpenFlags flags = 0)
    {
        string args = flags.PipeFlagsText();
        if (Enter<PipeFds>(caller, "pipe2", args, out var thread, out var table) is { } early) return early;
        if ((flags & ~(OpenFlags.NonBlock | OpenFlags.CloseOnExec)) != 0)
            return Failed<PipeFds>("pipe2", args, caller, Errno.EINVAL, "pipe2 accepts only O_NONBLOCK and O_CLOEXEC");
        int readFd = table.LowestFree();
        int writeFd = readFd < 0 ? -1 : table.LowestFree(readFd + 1);
        if (writeFd < 0) return Failed<PipeFds>("pipe2", args, caller, Errno.EMFILE, $"{thread.Process} has fewer than two free fds below {Options.MaxFds} (RLIMIT_NOFILE)");
        var pipe = new Pipe(_nextPipeId++, Options.PipeCapacity);
        _pipes.Add(pipe.Id, pipe);
        var status = flags & OpenFlags.NonBlock;
        bool cloexec = (flags & OpenFlags.CloseOnExec) != 0;
        table.Install(readFd, NewOpenFile(FileKind.PipeReadEnd, pipe.Name, OpenFlags.ReadOnly | status, pipe: pipe), cloexec);
        table.Install(writeFd, NewOpenFile(FileKind.PipeWriteEnd, pipe.Name, OpenFlags.WriteOnly | status, pipe: pipe), cloexec);
        var fds = new PipeFds(new Fd(readFd), new Fd(writeFd));
        return Finish(caller, SysResult<PipeFds>.Ok("pipe2", $"{fds}, {args}", fds, "0"));
    }

    /// <summary>
    /// lseek(fd, offset, whence): moves the offset of the open file description (so every fd sharing it sees
    /// the move). Returns the new offset. ESPIPE on pipes and the terminal (they have no position), EINVAL for
    /// a negative result, EBADF.
    /// </summary>
    public SysResult<long> Lseek(Pid caller, Fd fd, long offset, Whence whence = Whence.Set)
    {
        string args = $"{fd.Value}, {offset}, SEEK_{whence.ToString().ToUpperInvariant()}";
        if (Enter<long>(caller, "lseek", args, out var thread, out var table) is { } early) return early;
        if (!table.TryGet(fd, out var entry)) return Failed<long>("lseek", args, caller, Errno.EBADF, NotOpen(fd, thread));
        var file = entry.File;
        if (file.Kind is FileKind.PipeReadEnd or FileKind.PipeWriteEnd or FileKind.Terminal)
            return Failed<long>("lseek", args, caller, Errno.ESPIPE, $"{fd} is {file.Name}, a stream without a position");
        if (file.Kind == FileKind.NullDevice) return Ok("lseek", args, caller, 0L);
        long size = file.File?.Content.Length ?? 0;
        long target = whence switch { Whence.Set => offset, Whence.Current => file.Offset + offset, Whence.End => size + offset, _ => -1 };
        if (!Enum.IsDefined(whence) || target < 0)
            return Failed<long>("lseek", args, caller, Errno.EINVAL, !Enum.IsDefined(whence) ? $"{(int)whence} is not SEEK_SET, SEEK_CUR or SEEK_END" : $"the new offset would be {target}, before the start of the file");
        file.Offset = target;
        return Ok("lseek", args, caller, target);
    }

    /// <summary>
    /// fcntl(fd, cmd, arg): F_GETFD/F_SETFD read and set FD_CLOEXEC on this one fd; F_GETFL/F_SETFL read the
    /// description's access mode and flags and set O_APPEND/O_NONBLOCK on it (shared by every fd that points at
    /// it, in every process); F_DUPFD/F_DUPFD_CLOEXEC duplicate to the lowest free fd at or above arg. EBADF, EINVAL.
    /// </summary>
    public SysResult<int> Fcntl(Pid caller, Fd fd, FcntlCommand command, int arg = 0)
    {
        string cmd = command switch
        {
            FcntlCommand.DupFd => "F_DUPFD", FcntlCommand.GetFd => "F_GETFD", FcntlCommand.SetFd => "F_SETFD",
            FcntlCommand.GetFl => "F_GETFL", FcntlCommand.SetFl => "F_SETFL", FcntlCommand.DupFdCloexec => "F_DUPFD_CLOEXEC",
            _ => ((int)command).ToString(CultureInfo.InvariantCulture),
        };
        string args = $"{fd.Value}, {cmd}, {arg}";
        if (Enter<int>(caller, "fcntl", args, out var thread, out var table) is { } early) return early;
        if (!table.TryGet(fd, out var entry)) return Failed<int>("fcntl", args, caller, Errno.EBADF, NotOpen(fd, thread));
        switch (command)
        {
            case FcntlCommand.GetFd:
                return Ok("fcntl", args, caller, entry.CloseOnExec ? FdCloexec : 0);
            case FcntlCommand.SetFd:
                table.SetCloseOnExec(fd.Value, (arg & FdCloexec) != 0);
                return Ok("fcntl", args, caller, 0);
            case FcntlCommand.GetFl:
                return Ok("fcntl", args, caller, (int)entry.File.Flags, entry.File.Flags.ToStraceString());
            case FcntlCommand.SetFl:
                var changeable = OpenFlags.Append | OpenFlags.NonBlock;
                entry.File.Flags = (entry.File.Flags & ~changeable) | ((OpenFlags)arg & changeable);
                return Ok("fcntl", args, caller, 0);
            case FcntlCommand.DupFd or FcntlCommand.DupFdCloexec:
                if (arg < 0 || arg >= Options.MaxFds) return Failed<int>("fcntl", args, caller, Errno.EINVAL, $"{arg} is outside 0..{Options.MaxFds - 1}");
                int copy = table.LowestFree(arg);
                if (copy < 0) return Failed<int>("fcntl", args, caller, Errno.EMFILE, $"no free fd at or above {arg} below {Options.MaxFds}");
                table.Install(copy, entry.File, command == FcntlCommand.DupFdCloexec);
                return Ok("fcntl", args, caller, copy);
            default:
                return Failed<int>("fcntl", args, caller, Errno.EINVAL, $"the command {(int)command} is not simulated");
        }
    }
}
