using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Tests.Core;

public class ValueTypesTests
{
    [Fact]
    public void Exit_status_is_the_code_shifted_left_8_bits()
    {
        var s = WaitStatus.Exited(42);
        Assert.Equal(0x2a00, s.Raw);
        Assert.True(s.IfExited);
        Assert.False(s.IfSignaled);
        Assert.Equal(42, s.ExitStatus);
        Assert.Equal(42, WaitStatus.WEXITSTATUS(0x2a00));
        Assert.Equal(0, WaitStatus.Exited(256).ExitStatus); // only the low 8 bits survive
    }

    [Fact]
    public void Killed_status_is_the_signal_in_the_low_7_bits_with_0x80_for_a_core()
    {
        Assert.Equal(11, WaitStatus.Killed(Signal.SIGSEGV).Raw);
        Assert.Equal(0x8b, WaitStatus.Killed(Signal.SIGSEGV, coreDumped: true).Raw);
        var s = WaitStatus.Killed(Signal.SIGKILL);
        Assert.True(s.IfSignaled);
        Assert.False(s.IfExited);
        Assert.Equal(Signal.SIGKILL, s.TermSignal);
        Assert.True(WaitStatus.WIFSIGNALED(9));
        Assert.False(WaitStatus.WIFSIGNALED(0x7f)); // 0x7f in the low bits means stopped, not signalled
        Assert.True(WaitStatus.WCOREDUMP(0x8b));
    }

    [Fact]
    public void Numbers_are_Linux_numbers()
    {
        Assert.Equal(11, (int)Errno.EAGAIN);
        Assert.Equal(10, (int)Errno.ECHILD);
        Assert.Equal(12, (int)Errno.ENOMEM);
        Assert.Equal(8, (int)Errno.ENOEXEC);
        Assert.Equal(17, (int)Signal.SIGCHLD);
        Assert.Equal(0x100UL, (ulong)CloneFlags.Vm);
        Assert.Equal(0x10000UL, (ulong)CloneFlags.Thread);
        Assert.Equal(0x4000UL, (ulong)CloneFlags.Vfork);
        Assert.Equal(17, (CloneFlags.Vm | CloneFlags.SigChld).ExitSignal());
        Assert.Equal("CLONE_VM|CLONE_VFORK|SIGCHLD", (CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld).ToStraceString());
    }

    [Fact]
    public void Values_print_as_a_student_reads_them()
    {
        Assert.Equal("pid 42", new Pid(42).ToString());
        Assert.Equal("0x7ffd_1000", new VirtualAddress(0x7ffd1000).ToString());
        Assert.Equal("0x1000", new VirtualAddress(0x1000).ToString());
        Assert.Equal("frame 3", new FrameNumber(3).ToString());
        Assert.Equal("No child processes", Errno.ECHILD.Describe());
    }
}
