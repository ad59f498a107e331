using CourseKit.Runner;

namespace CourseKit.Tests.Lessons;

public sealed class SolutionBlockTests
{
    [Fact]
    public void A_block_becomes_one_todo_line_at_its_indentation()
    {
        var (source, blocks) = SolutionBlocks.Strip("int? n = null;\n    // ### BEGIN SOLUTION\n    n = 8;\n    // ### END SOLUTION\nCheck.Equal(n, 8)", "test");
        Assert.Equal(1, blocks);
        Assert.Equal($"int? n = null;\n    {SolutionBlocks.Stub}\nCheck.Equal(n, 8)", source);
    }

    [Fact]
    public void A_cell_without_blocks_is_unchanged()
    {
        Assert.Equal(("var x = 1;\nx", 0), SolutionBlocks.Strip("var x = 1;\nx", "test"));
    }

    [Theory]
    [InlineData("// ### BEGIN SOLUTION\nx = 1;", "never closed")]
    [InlineData("x = 1;\n// ### END SOLUTION", "without")]
    [InlineData("// ### BEGIN SOLUTION\n// ### BEGIN SOLUTION\n// ### END SOLUTION", "inside")]
    public void Unbalanced_markers_name_the_place(string text, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => SolutionBlocks.Strip(text, "02-fork cell 18"));
        Assert.Contains(problem, e.Message);
        Assert.Contains("02-fork cell 18 line", e.Message);
    }
}
