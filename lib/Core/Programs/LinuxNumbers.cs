namespace CourseKit.Programs;

/// <summary>The Linux names programs may use for signals, clone flags and errno values (temporary table until the kernel enums land).</summary>
internal static class LinuxNumbers
{
    public static readonly (string, long)[] Signals =
    [
        ("SIGHUP", 1), ("SIGINT", 2), ("SIGQUIT", 3), ("SIGILL", 4), ("SIGABRT", 6), ("SIGFPE", 8), ("SIGKILL", 9),
        ("SIGSEGV", 11), ("SIGPIPE", 13), ("SIGALRM", 14), ("SIGTERM", 15), ("SIGCHLD", 17),
    ];

    public static readonly (string, long)[] CloneFlags =
    [
        ("CLONE_VM", 0x100), ("CLONE_FS", 0x200), ("CLONE_FILES", 0x400), ("CLONE_SIGHAND", 0x800), ("CLONE_VFORK", 0x4000),
        ("CLONE_PARENT", 0x8000), ("CLONE_THREAD", 0x10000), ("CLONE_NEWNS", 0x20000), ("CLONE_SYSVSEM", 0x40000), ("CLONE_SETTLS", 0x80000),
    ];

    public static readonly (string, long)[] Errnos =
    [
        ("EPERM", 1), ("ENOENT", 2), ("ESRCH", 3), ("EINTR", 4), ("E2BIG", 7), ("ENOEXEC", 8), ("EBADF", 9), ("ECHILD", 10),
        ("EAGAIN", 11), ("ENOMEM", 12), ("EACCES", 13), ("EFAULT", 14), ("EINVAL", 22), ("EMFILE", 24), ("ESPIPE", 29), ("EPIPE", 32),
    ];
}
