using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;
using CsCheck;

namespace CourseKit.Tests.Programs;

public class ForkScriptTests
{
    [Fact]
    public void Action_string_solver_prints_the_final_tree_with_names()
    {
        var run = ForkScript.Run("a+b,b+c,a+d");
        Assert.True(run.Success, run.Error);
        Assert.Equal("""
            init
            └── a
                ├── b
                │   └── c
                └── d
            """, run.Final.ToString());
        Assert.Equal(4, run.Trees.Count);
        Assert.Contains("Action 2: b forks c", run.ToString());
    }

    [Fact]
    public void Action_string_solver_uses_linux_reparenting_an_orphans_children_keep_their_living_parent()
    {
        var run = ForkScript.Run("a+b,b+c,c+d,b-");
        Assert.True(run.Success, run.Error);
        // b is a zombie under its living parent a; its direct child c goes to init; d stays under c.
        Assert.Equal("""
            init
            ├── a
            │   └── b (zombie)
            └── c
                └── d
            """, run.Final.ToString());
        var reparented = run.Machine.Events.OfType<Reparented>().Single();
        Assert.Equal(run.Pids["c"], reparented.Pid);
        Assert.Equal(Pid.Init, reparented.NewParent);
    }

    [Fact]
    public void Action_string_solver_sends_orphans_to_the_nearest_subreaper()
    {
        var run = ForkScript.Run("a+b,b+c,b-", new ForkScriptOptions { RootIsSubreaper = true, ParentsWait = true });
        Assert.Equal("""
            init
            └── a
                └── c
            """, run.Final.ToString());
    }

    [Fact]
    public void Action_string_solver_parents_wait_removes_zombies_and_init_reaps_its_own()
    {
        var run = ForkScript.Run("a+b,b+c,b-,c-", new ForkScriptOptions { ParentsWait = true });
        Assert.Equal("init\n└── a", run.Final.ToString());
    }

    [Theory]
    [InlineData("a+b,c+d", "action 2 'c+d': there is no process named c (yet)")]
    [InlineData("a+b,b-,b+c", "action 3 'b+c': b has already exited")]
    [InlineData("a+b,a+b", "action 2 'a+b': the name b is already taken")]
    [InlineData("a+b,b*", "action 2 'b*' is not understood")]
    [InlineData("a+init", "the name init is already taken")]
    public void Action_string_errors_name_the_action_and_the_reason(string script, string message)
    {
        var run = ForkScript.Run(script);
        Assert.False(run.Success);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Generator_is_deterministic_per_seed_and_only_uses_live_processes()
    {
        Assert.Equal(ForkScript.Generate(5, 10), ForkScript.Generate(5, 10));
        Assert.NotEqual(ForkScript.Generate(1, 10), ForkScript.Generate(2, 10));
        Assert.True(ForkScript.Run(ForkScript.Generate(5, 20)).Success);
    }

    [Fact]
    public void Generator_and_solver_round_trip_through_the_reverse_question()
    {
        Gen.Int[0, 1_000_000].Select(Gen.Int[0, 12], Gen.Int[0, 100], Gen.Bool, Gen.Bool).Sample((seed, count, forkPercent, subreaper, wait) =>
        {
            var options = new ForkScriptOptions { RootIsSubreaper = subreaper, ParentsWait = wait };
            var actions = ForkScript.Generate(seed, count, forkPercent, options);
            var run = ForkScript.Run(actions, options);
            Assert.True(run.Success, run.Error);
            var inferred = ForkScript.InferActions(run.Trees, options);
            Assert.True(inferred.Success, inferred.Error);
            Assert.Equal(actions, inferred.Actions);
        }, iter: 300);
    }

    [Fact]
    public void Reverse_question_from_drawn_trees()
    {
        var inferred = ForkScript.InferActions([
            "init\n└── a",
            "init\n└── a\n    └── b",
            "init\n└── a\n    ├── b\n    └── c",
            "init\n└── a\n    ├── b\n    │   └── d\n    └── c",
            "init\n├── a\n│   ├── b (zombie)\n│   └── c\n└── d",
        ]);
        Assert.True(inferred.Success, inferred.Error);
        Assert.Equal("a+b,a+c,b+d,b-", inferred.ToString());
    }

    [Fact]
    public void Reverse_question_rejects_textbook_flattening_with_the_linux_tree()
    {
        // A textbook that moves the whole subtree of b to init (and drops the zombie) is not Linux.
        var inferred = ForkScript.InferActions([
            "init\n└── a",
            "init\n└── a\n    └── b",
            "init\n└── a\n    └── b\n        └── c",
            "init\n└── a\n    └── b\n        └── c\n            └── d",
            "init\n├── a\n├── c\n└── d",
        ]);
        Assert.False(inferred.Success);
        Assert.Contains("from tree 4 to tree 5", inferred.Error);
        Assert.Contains("b-", inferred.Error);
        Assert.Contains("└── c\n    └── d", inferred.Error);
    }

    [Fact]
    public void Reverse_question_needs_one_change_per_step()
    {
        var inferred = ForkScript.InferActions(["init\n└── a", "init\n└── a\n    ├── b\n    └── c"]);
        Assert.False(inferred.Success);
        Assert.Contains("b appeared, c appeared", inferred.Error);
    }

    [Fact]
    public void Tree_text_parses_back_to_the_same_tree()
    {
        var run = ForkScript.Run(ForkScript.Generate(11, 15));
        foreach (var tree in run.Trees) Assert.Equal(tree, ForkTree.Parse(tree.ToString()));
        Assert.Throws<FormatException>(() => ForkTree.Parse("init\n  a"));
    }
}
