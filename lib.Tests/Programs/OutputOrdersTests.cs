using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Tests.Programs;

public class OutputOrdersTests
{
    private static Func<Scheduler> Setup(string source) => () =>
    {
        var scheduler = new Scheduler(Machine.Boot());
        scheduler.Start(source);
        return scheduler;
    };

    [Fact]
    public void Enumeration_returns_all_legal_orders_of_a_parent_child_print_program()
    {
        var result = OutputOrders.Enumerate(Setup("""
            pid = fork()
            if (pid == 0) { print("a"); print("b") } else { print("c") }
            """));
        Assert.True(result.Complete);
        Assert.Equal(new ValueList<string>(["a\nb\nc\n", "a\nc\nb\n", "c\na\nb\n"]), result.Outputs);
    }

    [Fact]
    public void Enumeration_with_wait_leaves_only_the_orders_wait_allows()
    {
        var result = OutputOrders.Enumerate(Setup("""
            pid = fork()
            if (pid == 0) { print("a"); print("b"); exit(0) }
            print("c")
            wait()
            print("d")
            """));
        Assert.True(result.Complete);
        Assert.Equal(new ValueList<string>(["a\nb\nc\nd\n", "a\nc\nb\nd\n", "c\na\nb\nd\n"]), result.Outputs);
    }

    [Fact]
    public void Enumeration_counts_orders_of_two_forked_printers()
    {
        // fork(); fork(); print: 4 identical lines -> one output; with getpid the orders differ.
        var result = OutputOrders.Enumerate(Setup("fork()\nprint(\"x\")"));
        Assert.Equal(new ValueList<string>(["x\nx\n"]), result.Outputs);
        Assert.True(result.Complete);
    }

    [Fact]
    public void Enumeration_reports_when_the_bound_cut_it_short()
    {
        var result = OutputOrders.Enumerate(Setup("for (i = 0; i < 3; i++) { fork(); print(i) }"), maxStates: 5);
        Assert.False(result.Complete);
        Assert.Contains("there may be more", result.ToString());
    }

    [Fact]
    public void Enumeration_matches_what_random_sampling_finds()
    {
        const string source = """
            pid = fork()
            if (pid == 0) { print("a"); print("b") } else { print("c"); print("d") }
            """;
        var all = OutputOrders.Enumerate(Setup(source));
        var sampled = OutputOrders.Sample(policy =>
        {
            var scheduler = new Scheduler(Machine.Boot(), policy);
            scheduler.Start(source);
            return scheduler;
        }, Enumerable.Range(0, 200));
        Assert.Equal(6, all.Outputs.Count); // C(4,2) interleavings of two 2-line sequences
        Assert.All(sampled, s => Assert.Contains(s.Output, all.Outputs));
        Assert.Equal(200, sampled.Sum(s => s.Seeds.Count));
    }
}
