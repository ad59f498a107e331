using CourseKit.Programs;

namespace CourseKit.Tests.Programs;

public class ParserTests
{
    [Fact]
    public void Short_circuit_fork_compiles_to_jumps_so_the_right_side_can_be_skipped()
    {
        var program = Program.Compile("(fork() && fork()) || fork();");
        var text = string.Join("\n", program.Instructions.Select((i, pc) => $"{pc}: {i}"));
        Assert.Equal("""
            0: %t1 = fork()
            1: if %t1 == 0 goto 4
            2: %t2 = fork()
            3: if %t2 != 0 goto 5
            4: fork()
            5: exit(0)
            """, text);
    }

    [Fact]
    public void If_else_on_the_fork_result_is_one_branch_instruction()
    {
        var program = Program.Compile("""
            pid = fork()
            if (pid == 0) { print("child") } else { print("parent") }
            """);
        Assert.Equal(["pid = fork()", "if pid != 0 goto 4", "print(\"child\")", "goto 5", "print(\"parent\")", "exit(0)"],
            program.Instructions.Select(i => i.ToString()));
    }

    [Fact]
    public void C_main_with_includes_declarations_and_for_loops_is_accepted()
    {
        var program = Program.Compile("""
            #include <stdio.h>
            #include <unistd.h>
            int main(int argc, char *argv[]) {
                for (int i = 0; i < 3; i++) {
                    fork();
                    printf("hello\n");
                }
                return 0;
            }
            """);
        Assert.Contains(program.Instructions, i => i is CallInstruction { Function.Name: "fork" });
        Assert.Contains("i", program.Variables);
    }

    [Fact]
    public void Wait_short_forms_get_the_C_arguments()
    {
        var program = Program.Compile("""
            w = wait()
            x = waitpid(-1, WNOHANG)
            y = waitpid(w, &status)
            """);
        Assert.Equal(["w = wait(NULL)", "x = waitpid(-1, NULL, WNOHANG)", "y = waitpid(w, &status, 0)", "exit(0)"],
            program.Instructions.Select(i => i.ToString()));
    }

    [Theory]
    [InlineData("pid = fork(\nif (pid == 0) {}", 2, 1, "found the keyword 'if' (is a ')' or ';' missing before it?)")]
    [InlineData("if (x == 0 { }", 1, 12, "expected ')' to close the condition of 'if'")]
    [InlineData("frok()", 1, 1, "unknown function 'frok' (did you mean fork?)")]
    [InlineData("pid = fork()\nif (pdi == 0) exit(1)", 2, 5, "unknown name 'pdi'")]
    [InlineData("fork(1)", 1, 1, "fork takes no arguments, but 1 argument was given")]
    [InlineData("exec(\"/bin/ls\", x)", 1, 17, "the arg argument of exec must be a string in double quotes")]
    [InlineData("x = 1 y = 2", 1, 7, "expected ';' or a new line before 'y'")]
    [InlineData("wait(status)", 1, 6, "must be &variable")]
    [InlineData("while (1) { fork()", 1, 19, "the '{' at line 1, column 11 is never closed")]
    [InlineData("break", 1, 1, "'break' is only allowed inside a while or for loop")]
    [InlineData("print(\"hi)", 1, 7, "this string is not closed")]
    [InlineData("x = print(1)", 1, 5, "print() has no value to use")]
    [InlineData("x = 12abc", 1, 5, "'12abc' is not a number")]
    [InlineData("} else {", 1, 1, "expected a value")]
    public void Every_parse_error_names_line_column_and_reason(string source, int line, int column, string message)
    {
        var result = Program.TryCompile(source);
        Assert.False(result.Success);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(new SourcePosition(line, column), diagnostic.Position);
        Assert.Contains(message, diagnostic.Message);
        Assert.Contains($"line {line}, column {column}: ", result.ToString());
        Assert.Contains("^", result.ToString());
    }

    [Fact]
    public void Compile_of_bad_text_throws_a_syntax_exception_carrying_the_diagnostics()
    {
        var error = Assert.Throws<ProgramSyntaxException>(() => Program.Compile("fork("));
        Assert.Single(error.Diagnostics);
        Assert.StartsWith("line 1, column 6:", error.Message);
    }

    [Fact]
    public void Listing_shows_pc_instruction_and_source_line()
    {
        var listing = Program.Compile("pid = fork();\nprint(pid);").Listing().ToString();
        Assert.Equal("""
              0: pid = fork()   // pid = fork();
              1: print(pid)     // print(pid);
              2: exit(0)        // print(pid);
            """, listing);
    }
}
