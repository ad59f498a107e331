using CourseKit.Files;
using CourseKit.Kernel;
using CourseKit.Programs;

namespace CourseKit.Tests.Programs;

public class PipeProgramTests
{
    private static (Scheduler Scheduler, Pid Pid) Start(string source)
    {
        var machine = Machine.Boot();
        FileSystem.Attach(machine);
        var scheduler = new Scheduler(machine);
        return (scheduler, scheduler.Start(source));
    }

    private const string Reader = """
        int fd[2]
        pipe(fd)
        pid = fork()
        if (pid == 0) {
            close(fd[1])
            while ((n = read(fd[0], 100)) > 0) total += n
            print("child read", total)
            exit(0)
        }
        close(fd[0])
        write(fd[1], "hello\n")
        """;

    [Fact]
    public void Pipe_carries_bytes_to_the_reader_until_every_write_end_is_closed()
    {
        var (scheduler, _) = Start(Reader + "\nclose(fd[1])\nwait()\nprint(\"parent done\")");
        var result = scheduler.Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("child read 6\nparent done\n", result.Output);
    }

    [Fact]
    public void Deadlock_detection_forgotten_write_end_makes_the_reader_wait_forever()
    {
        var (scheduler, parent) = Start(Reader + "\nwait()");
        var result = scheduler.Run();
        Assert.Equal(RunStatus.Deadlock, result.Status);
        Assert.Contains($"{parent} at", result.Message);
        Assert.Contains("wait4", result.Message);
        Assert.Contains("read(", result.Message);
        Assert.Contains("pipe", result.Message);
    }

    [Fact]
    public void Dup2_redirects_stdout_into_the_pipe()
    {
        var (scheduler, _) = Start("""
            int fd[2]
            pipe(fd)
            if (fork() == 0) {
                dup2(fd[1], STDOUT_FILENO)
                close(fd[0]); close(fd[1])
                write(STDOUT_FILENO, "through the pipe\n")
                _exit(0)
            }
            close(fd[1])
            n = read(fd[0], 100)
            print("got", n, "bytes")
            """);
        Assert.Equal("got 17 bytes\n", scheduler.Run().Output);
    }

    [Fact]
    public void File_calls_without_a_file_layer_fail_with_ENOSYS_and_say_why()
    {
        var session = ProgramSession.Create("int fd[2]\nr = pipe(fd)\nprint(r, errno == ENOSYS)");
        var output = session.Run().Output;
        Assert.Contains("no file layer", output);
        Assert.EndsWith("-1 1\n", output);
    }

    [Theory]
    [InlineData("pipe(fd)", "'fd' is not an array: declare it first")]
    [InlineData("int fd[2]\nx = fd[i]", "an array index must be a constant number")]
    [InlineData("int fd[0]", "must be a number from 1 to 64")]
    [InlineData("int fd[2]\npipe(fd[0])", "must be the name of an array")]
    public void Array_mistakes_are_compile_errors(string source, string message)
    {
        var result = Program.TryCompile(source);
        Assert.False(result.Success);
        Assert.Contains(message, result.ToString());
    }
}
