using CourseKit.Files;
using CourseKit.Kernel;
using CourseKit.Tests.Core;
using CsCheck;
using static CourseKit.Tests.Core.KernelPropertyTests;

namespace CourseKit.Tests.Files;

/// <summary>
/// The core's random system-call programs extended with fd and pipe calls (open, close, dup, dup2, pipe2, read,
/// write, fcntl, lseek). After every step the kernel's invariants and the file layer's hold: no open file
/// description outlives its last reference, reference counts equal the fd slots pointing at each description,
/// fd tables have exactly their live users, pipe end counts match; a failed call changes neither the machine
/// nor the file layer; and once every process has exited only init's terminal fds remain.
/// </summary>
public class FilePropertyTests
{
    private const int KernelKinds = 21; // the core generator's kinds are 0..20 (17..20 are memory writes)

    private static readonly string[] FilePaths = ["/tmp/a", "/tmp/b", "/dev/null", "/dev/tty", "/tmp", "/bin/ls", "/nodir/x"];

    private static readonly OpenFlags[] OpenChoices =
    [
        OpenFlags.ReadOnly, OpenFlags.WriteOnly | OpenFlags.Create, OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Truncate,
        OpenFlags.WriteOnly | OpenFlags.Append | OpenFlags.Create, OpenFlags.ReadOnly | OpenFlags.CloseOnExec,
        OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, (OpenFlags)3,
    ];

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, KernelKinds + 9], Gen.Int[0, 15], Gen.Int[0, 15], Gen.Int[0, 15], (k, a, b, c) => new Op(k, a, b, c));

    private static readonly Gen<(bool Cow, Op[] Ops)> GenProgram = Gen.Select(Gen.Bool, GenOp.Array[1, 16]);

    [Fact]
    public void Ten_thousand_random_programs_with_fd_and_pipe_calls_keep_every_invariant_and_leak_nothing()
    {
        GenProgram.Sample(p => Run(p.Cow, p.Ops), iter: 10_000,
            print: p => $"cow={p.Cow} [{string.Join(", ", p.Ops.Select(Describe))}]");
    }

    [Fact]
    public void The_checker_catches_a_description_that_outlives_its_last_reference()
    {
        var (_, fs, p) = FileTestMachines.WithFiles();
        var fd = fs.Open(p, "/tmp/x", OpenFlags.WriteOnly | OpenFlags.Create).Value;
        var table = (FileTable)fs.Machine.Process(p)!.FileTable!;
        table.Entries[fd.Value].File.References++; // a leaked reference, as a buggy dup2 would leave
        fs.Close(p, fd).ThrowIfNotOk();
        Assert.Contains(fs.CheckInvariants(), b => b.Contains("outlived its last reference", StringComparison.Ordinal));
    }

    private static string Describe(Op op) => op.Kind < KernelKinds ? op.ToString()
        : $"{new[] { "open", "close", "dup", "dup2", "pipe", "read", "write", "cloexec", "lseek", "pipe-nonblock" }[op.Kind - KernelKinds]}({op.A},{op.B},{op.C})";

    private static void Run(bool cow, Op[] ops)
    {
        var m = Machine.Boot(new MachineOptions { Frames = 64, PidMax = 40, MaxProcessesPerUser = 12, CopyOnWrite = cow });
        var fs = FileSystem.Attach(m, new FileSystemOptions { PipeCapacity = 8, PipeBuf = 4, MaxFds = 8 });
        m.Start("/home/student/a.out");
        var before = m.Snapshot();
        var filesBefore = fs.Snapshot();
        for (int step = 0; step < ops.Length; step++)
        {
            long start = m.Clock + 1;
            var op = ops[step];
            SysResult result;
            (Pid Writer, Memory.VirtualAddress Address, ulong Value)? write = null;
            if (op.Kind < KernelKinds) (result, write) = Apply(m, op, step);
            else result = ApplyFileCall(m, fs, op);
            var after = m.Snapshot();
            var filesAfter = fs.Snapshot();
            string where = $"step {step} {Describe(op)}: {result}";
            if (result.IsFailed)
            {
                Assert.True(before.SameStateAs(after), $"{where}: a failed call changed the machine");
                Assert.True(filesBefore with { Time = 0 } == filesAfter with { Time = 0 }, $"{where}: a failed call changed the files");
            }
            KernelInvariants.CheckAfterStep(m, before, after, start);
            if (write is { } w && result.IsOk) KernelInvariants.CheckVisibility(m, w.Writer, w.Address, w.Value);
            var broken = fs.CheckInvariants();
            Assert.True(broken.Count == 0, $"{where}:\n{string.Join("\n", broken)}");
            before = after;
            filesBefore = filesAfter;
        }
        KernelInvariants.KillEverythingAndCheckNoLeak(m);
        FileTestMachines.AssertNothingLeaksAfterEveryoneExits(m, fs);
    }

    /// <summary>One fd or pipe call by a live thread, with fds picked among 0..9 (some open, some not).</summary>
    private static SysResult ApplyFileCall(Machine m, FileSystem fs, Op op)
    {
        var callers = m.Threads.Where(t => t.Process.Pid != Pid.Init).ToList();
        if (callers.Count == 0) return default;
        var caller = callers[op.A % callers.Count].Tid;
        Fd fd = op.B % 10;
        Fd other = op.C % 10;
        return (op.Kind - KernelKinds) switch
        {
            0 => fs.Open(caller, FilePaths[op.B % FilePaths.Length], OpenChoices[op.C % OpenChoices.Length]).WithoutValue(),
            1 => fs.Close(caller, fd),
            2 => fs.Dup(caller, fd).WithoutValue(),
            3 => fs.Dup2(caller, fd, op.C == 15 ? -1 : other).WithoutValue(),
            4 => fs.Pipe(caller, op.C % 2 == 0 ? 0 : OpenFlags.CloseOnExec).WithoutValue(),
            5 => fs.Read(caller, fd, op.C % 6).WithoutValue(),
            6 => fs.Write(caller, fd, new string('w', op.C % 7)).WithoutValue(),
            7 => fs.Fcntl(caller, fd, FcntlCommand.SetFd, op.C % 2).WithoutValue(),
            8 => fs.Lseek(caller, fd, op.C % 5 - 1, (Whence)(op.C % 3)).WithoutValue(),
            _ => fs.Pipe(caller, OpenFlags.NonBlock).WithoutValue(),
        };
    }
}
