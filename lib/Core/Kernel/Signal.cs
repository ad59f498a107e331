namespace CourseKit.Kernel;

/// <summary>
/// Linux signal numbers (x86-64). The number matters: it is what a killed child's wait status carries in
/// its low 7 bits, and what a shell adds to 128 in <c>$?</c>.
/// </summary>
public enum Signal
{
    /// <summary>Hangup.</summary>
    SIGHUP = 1,
    /// <summary>Interrupt (Ctrl-C).</summary>
    SIGINT = 2,
    /// <summary>Quit (Ctrl-\); dumps core by default.</summary>
    SIGQUIT = 3,
    /// <summary>Illegal instruction; dumps core by default.</summary>
    SIGILL = 4,
    /// <summary>Trace trap.</summary>
    SIGTRAP = 5,
    /// <summary>Abort (abort(3)); dumps core by default.</summary>
    SIGABRT = 6,
    /// <summary>Bus error.</summary>
    SIGBUS = 7,
    /// <summary>Floating-point exception.</summary>
    SIGFPE = 8,
    /// <summary>Kill: cannot be caught, blocked or ignored.</summary>
    SIGKILL = 9,
    /// <summary>User signal 1.</summary>
    SIGUSR1 = 10,
    /// <summary>Segmentation violation: a bad memory access; dumps core by default.</summary>
    SIGSEGV = 11,
    /// <summary>User signal 2.</summary>
    SIGUSR2 = 12,
    /// <summary>Write to a pipe with no reader.</summary>
    SIGPIPE = 13,
    /// <summary>Alarm clock.</summary>
    SIGALRM = 14,
    /// <summary>Termination request (what <c>kill</c> sends by default).</summary>
    SIGTERM = 15,
    /// <summary>A child stopped or terminated; ignored by default.</summary>
    SIGCHLD = 17,
    /// <summary>Continue if stopped.</summary>
    SIGCONT = 18,
    /// <summary>Stop: cannot be caught or ignored.</summary>
    SIGSTOP = 19,
}

/// <summary>What a process does when a signal arrives (the <c>sa_handler</c> of sigaction).</summary>
public enum SignalDisposition
{
    /// <summary>SIG_DFL: the kernel's default action (terminate, ignore, core...).</summary>
    Default,
    /// <summary>SIG_IGN: discard the signal. Survives exec.</summary>
    Ignore,
    /// <summary>A handler function in the program. Reset to Default by exec, since the code is gone.</summary>
    Handler,
}

/// <summary>Facts about signals the kernel needs: default actions and the signals nobody may catch.</summary>
public static class SignalFacts
{
    /// <summary>True when the default action terminates the process (most signals).</summary>
    public static bool DefaultTerminates(this Signal signal) =>
        signal is not (Signal.SIGCHLD or Signal.SIGCONT or Signal.SIGSTOP);

    /// <summary>True when the default action also writes a core dump (bit 0x80 of the wait status).</summary>
    public static bool DefaultDumpsCore(this Signal signal) =>
        signal is Signal.SIGQUIT or Signal.SIGILL or Signal.SIGABRT or Signal.SIGFPE
            or Signal.SIGSEGV or Signal.SIGBUS or Signal.SIGTRAP;

    /// <summary>SIGKILL and SIGSTOP cannot be caught or ignored (sigaction fails with EINVAL).</summary>
    public static bool CanBeCaught(this Signal signal) => signal is not (Signal.SIGKILL or Signal.SIGSTOP);

    /// <summary>True for a number Linux knows as a signal (1..64).</summary>
    public static bool IsValid(this Signal signal) => (int)signal is >= 1 and <= 64;
}
