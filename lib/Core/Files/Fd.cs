namespace CourseKit.Files;

/// <summary>
/// A file descriptor: a small non-negative index into one process's fd table (Linux's <c>int fd</c>).
/// </summary>
/// <remarks>
/// A descriptor is only a number: the same fd 3 means different things in two processes, and two fds (in one
/// process after dup, or in parent and child after fork) may point at the same open file description, which
/// holds the offset and the status flags. 0, 1 and 2 are stdin, stdout and stderr by convention only: the kernel
/// treats them like any other fd, and a shell sets up a pipeline by making 0 or 1 point somewhere else (dup2).
/// </remarks>
public readonly record struct Fd(int Value) : IComparable<Fd>
{
    /// <summary>Standard input, fd 0.</summary>
    public static Fd Stdin => new(0);
    /// <summary>Standard output, fd 1.</summary>
    public static Fd Stdout => new(1);
    /// <summary>Standard error, fd 2.</summary>
    public static Fd Stderr => new(2);

    /// <inheritdoc/>
    public int CompareTo(Fd other) => Value.CompareTo(other.Value);

    /// <summary>"fd 3".</summary>
    public override string ToString() => $"fd {Value}";

    /// <summary>Lets lessons write <c>files.Close(pid, 3)</c>: to a C programmer an fd is just a number.</summary>
    public static implicit operator Fd(int value) => new(value);
}

/// <summary>
/// The flags of open(2) and pipe2(2), with the Linux x86-64 values, so a trace prints as strace prints it.
/// The access mode (the low two bits) and O_APPEND / O_NONBLOCK live in the open file description (shared
/// after fork and dup); O_CLOEXEC is a property of one fd only.
/// </summary>
[Flags]
public enum OpenFlags
{
    /// <summary>O_RDONLY: open for reading (the value 0: the absence of the other access bits).</summary>
    ReadOnly = 0,
    /// <summary>O_WRONLY: open for writing only.</summary>
    WriteOnly = 0x1,
    /// <summary>O_RDWR: open for reading and writing.</summary>
    ReadWrite = 0x2,
    /// <summary>O_CREAT: create the file when it does not exist.</summary>
    Create = 0x40,
    /// <summary>O_EXCL: with O_CREAT, fail with EEXIST when the file exists.</summary>
    Exclusive = 0x80,
    /// <summary>O_TRUNC: empty a regular file opened for writing.</summary>
    Truncate = 0x200,
    /// <summary>O_APPEND: every write goes to the end of the file (shared by every fd of the description).</summary>
    Append = 0x400,
    /// <summary>O_NONBLOCK: a read or write that would sleep fails with EAGAIN instead.</summary>
    NonBlock = 0x800,
    /// <summary>O_CLOEXEC: the new fd is closed by a successful execve (the FD_CLOEXEC fd flag).</summary>
    CloseOnExec = 0x80000,
}

/// <summary>Where lseek counts from.</summary>
public enum Whence
{
    /// <summary>SEEK_SET: from the start of the file.</summary>
    Set = 0,
    /// <summary>SEEK_CUR: from the current offset.</summary>
    Current = 1,
    /// <summary>SEEK_END: from the end of the file.</summary>
    End = 2,
}

internal static class OpenFlagsText
{
    internal const OpenFlags AccessMask = (OpenFlags)0x3;
    internal const OpenFlags Known = OpenFlags.WriteOnly | OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Exclusive
        | OpenFlags.Truncate | OpenFlags.Append | OpenFlags.NonBlock | OpenFlags.CloseOnExec;

    internal static bool CanRead(this OpenFlags flags) => (flags & AccessMask) is OpenFlags.ReadOnly or OpenFlags.ReadWrite;

    internal static bool CanWrite(this OpenFlags flags) => (flags & AccessMask) is OpenFlags.WriteOnly or OpenFlags.ReadWrite;

    /// <summary>"O_WRONLY|O_CREAT|O_TRUNC", as strace prints open flags.</summary>
    internal static string ToStraceString(this OpenFlags flags)
    {
        var parts = new List<string>
        {
            (flags & AccessMask) switch { OpenFlags.WriteOnly => "O_WRONLY", OpenFlags.ReadWrite => "O_RDWR", OpenFlags.ReadOnly => "O_RDONLY", _ => "O_ACCMODE" },
        };
        if ((flags & OpenFlags.Create) != 0) parts.Add("O_CREAT");
        if ((flags & OpenFlags.Exclusive) != 0) parts.Add("O_EXCL");
        if ((flags & OpenFlags.Truncate) != 0) parts.Add("O_TRUNC");
        if ((flags & OpenFlags.Append) != 0) parts.Add("O_APPEND");
        if ((flags & OpenFlags.NonBlock) != 0) parts.Add("O_NONBLOCK");
        if ((flags & OpenFlags.CloseOnExec) != 0) parts.Add("O_CLOEXEC");
        return string.Join('|', parts);
    }

    /// <summary>The pipe2 flags as strace prints them ("0", "O_CLOEXEC").</summary>
    internal static string PipeFlagsText(this OpenFlags flags)
    {
        var parts = new List<string>();
        if ((flags & OpenFlags.NonBlock) != 0) parts.Add("O_NONBLOCK");
        if ((flags & OpenFlags.CloseOnExec) != 0) parts.Add("O_CLOEXEC");
        return parts.Count == 0 ? "0" : string.Join('|', parts);
    }
}
