namespace CourseKit.Kernel;

/// <summary>
/// Linux error numbers (the values of <c>errno</c>, x86-64 and generic numbering), so that a simulated
/// failure prints exactly as strace and the man pages show it.
/// </summary>
public enum Errno
{
    /// <summary>No error (never the errno of a failed result).</summary>
    None = 0,
    /// <summary>Operation not permitted.</summary>
    EPERM = 1,
    /// <summary>No such file or directory.</summary>
    ENOENT = 2,
    /// <summary>No such process.</summary>
    ESRCH = 3,
    /// <summary>Interrupted system call.</summary>
    EINTR = 4,
    /// <summary>Input/output error.</summary>
    EIO = 5,
    /// <summary>Argument list too long.</summary>
    E2BIG = 7,
    /// <summary>Exec format error.</summary>
    ENOEXEC = 8,
    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,
    /// <summary>No child processes.</summary>
    ECHILD = 10,
    /// <summary>Resource temporarily unavailable.</summary>
    EAGAIN = 11,
    /// <summary>Cannot allocate memory.</summary>
    ENOMEM = 12,
    /// <summary>Permission denied.</summary>
    EACCES = 13,
    /// <summary>Bad address.</summary>
    EFAULT = 14,
    /// <summary>File exists.</summary>
    EEXIST = 17,
    /// <summary>Not a directory.</summary>
    ENOTDIR = 20,
    /// <summary>Is a directory.</summary>
    EISDIR = 21,
    /// <summary>Invalid argument.</summary>
    EINVAL = 22,
    /// <summary>Too many open files in system.</summary>
    ENFILE = 23,
    /// <summary>Too many open files.</summary>
    EMFILE = 24,
    /// <summary>Inappropriate ioctl for device.</summary>
    ENOTTY = 25,
    /// <summary>No space left on device.</summary>
    ENOSPC = 28,
    /// <summary>Illegal seek.</summary>
    ESPIPE = 29,
    /// <summary>Broken pipe.</summary>
    EPIPE = 32,
    /// <summary>Numerical result out of range.</summary>
    ERANGE = 34,
    /// <summary>Function not implemented.</summary>
    ENOSYS = 38,
}

/// <summary>The texts <c>strerror</c> gives, used when a result prints itself like strace.</summary>
public static class ErrnoText
{
    /// <summary>The C library's description of an error number, e.g. "No child processes".</summary>
    public static string Describe(this Errno errno) => errno switch
    {
        Errno.None => "Success",
        Errno.EPERM => "Operation not permitted",
        Errno.ENOENT => "No such file or directory",
        Errno.ESRCH => "No such process",
        Errno.EINTR => "Interrupted system call",
        Errno.EIO => "Input/output error",
        Errno.E2BIG => "Argument list too long",
        Errno.ENOEXEC => "Exec format error",
        Errno.EBADF => "Bad file descriptor",
        Errno.ECHILD => "No child processes",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.ENOMEM => "Cannot allocate memory",
        Errno.EACCES => "Permission denied",
        Errno.EFAULT => "Bad address",
        Errno.EEXIST => "File exists",
        Errno.ENOTDIR => "Not a directory",
        Errno.EISDIR => "Is a directory",
        Errno.EINVAL => "Invalid argument",
        Errno.ENFILE => "Too many open files in system",
        Errno.EMFILE => "Too many open files",
        Errno.ENOTTY => "Inappropriate ioctl for device",
        Errno.ENOSPC => "No space left on device",
        Errno.ESPIPE => "Illegal seek",
        Errno.EPIPE => "Broken pipe",
        Errno.ERANGE => "Numerical result out of range",
        Errno.ENOSYS => "Function not implemented",
        _ => $"Unknown error {(int)errno}",
    };
}
