using CourseKit.Tracing.Strace;
using CsCheck;

namespace CourseKit.Tests.Datasets;

/// <summary>
/// Property tests: whatever happens to a real trace (characters cut, inserted, lines dropped, swapped,
/// truncated), reading it returns a trace or a <see cref="StraceError"/> pointing at a real line; it never throws.
/// </summary>
public class StraceFuzzTests
{
    private static readonly string[][] Traces = DatasetFiles.Traces().Select(f => File.ReadAllText(f).Split('\n')).ToArray();
    private const string Specials = "()[]{}\"\\<>=?,.+-|/* 0123456789abcxyzSIG_\t\u0663\u0a6a\u2003";   // + non-ASCII digits and a wide space

    /// <summary>One random edit of one line (or of the line order).</summary>
    private static readonly Gen<(int Trace, int Line, int Kind, int Pos, int Len, char Ch)> Edit =
        Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 100_000], Gen.Int[0, 7], Gen.Int[0, 400], Gen.Int[1, 40],
            Gen.OneOf(Gen.Char[Specials], Gen.Char));

    private static string[] Mutate(string[] lines, (int Trace, int Line, int Kind, int Pos, int Len, char Ch) e)
    {
        var copy = lines.ToList();
        int i = e.Line % copy.Count;
        string line = copy[i];
        int pos = line.Length == 0 ? 0 : e.Pos % (line.Length + 1);
        switch (e.Kind)
        {
            case 0: copy[i] = line.Insert(pos, e.Ch.ToString()); break;                           // insert a character
            case 1: copy[i] = line.Remove(pos, Math.Min(e.Len, line.Length - pos)); break;        // cut characters
            case 2: copy[i] = line[..pos]; break;                                                 // truncate the line
            case 3: copy.RemoveAt(i); break;                                                      // drop a line
            case 4: copy.Insert(i, line); break;                                                  // duplicate a line
            case 5: { int j = (i + e.Len) % copy.Count; (copy[i], copy[j]) = (copy[j], copy[i]); break; }  // swap lines
            case 6: copy[i] = pos < line.Length ? line.Remove(pos, 1).Insert(pos, e.Ch.ToString()) : line + e.Ch; break;  // replace
            default: copy[i] = line + "\n" + line[..pos]; break;                                  // split a line in two
        }
        return copy.ToArray();
    }

    [Fact]
    public void Unmutated_traces_all_parse()
    {
        Assert.NotEmpty(Traces);
        Assert.All(Traces, lines => Assert.True(StraceTrace.Parse(string.Join('\n', lines)).IsOk));
    }

    [Fact]
    public void Random_mutations_of_real_traces_never_throw()
    {
        Gen.Select(Edit, Edit, Gen.Bool).Sample((a, b, twice) =>
        {
            var lines = Traces[a.Trace % Traces.Length];
            var mutated = Mutate(lines, a);
            if (twice) mutated = Mutate(mutated, b);
            string text = string.Join('\n', mutated);
            var imported = StraceImporter.Import(text);              // must not throw
            var result = StraceTrace.Parse(text);
            Assert.Equal(result.IsOk, imported.IsOk);
            Assert.Equal(result.Error, imported.Error);
            int lineCount = text.Split('\n').Length;
            if (result.IsOk)
            {
                var trace = result.Trace!;
                Assert.NotEmpty(trace.Roots);
                foreach (var task in trace.Tasks) _ = task.ToString();
                var events = imported.Value!.Events;
                Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Time <= p.Second.Time));
            }
            else
            {
                Assert.InRange(result.Error!.LineNumber, 1, lineCount);
                Assert.False(string.IsNullOrWhiteSpace(result.Error.Expected));
                Assert.Throws<StraceFormatException>(() => result.ValueOrThrow());
            }
        }, iter: 3000);
    }

    [Fact]
    public void Random_text_never_throws()
    {
        Gen.String[Gen.Char[Specials + "\n+-"], 0, 300].Sample(text =>
        {
            var result = StraceImporter.Import(text);
            if (!result.IsOk) Assert.InRange(result.Error!.LineNumber, 1, text.Split('\n').Length);
        }, iter: 3000);
    }

    /// <summary>
    /// Splitting any complete call at an argument boundary into "unfinished" and "resumed" halves, as strace
    /// does when another task prints in between, gives back the same call.
    /// </summary>
    [Fact]
    public void Splitting_a_call_into_unfinished_and_resumed_halves_gives_the_same_call()
    {
        var calls = Traces.SelectMany(t => StraceTrace.ParseOrThrow(string.Join('\n', t)).Calls)
            .Where(c => c.Result is not null && c.StartLine == c.LineNumber).ToList();
        Gen.Int[0, calls.Count - 1].Select(Gen.Int[0, 50]).Sample((index, cut) =>
        {
            var call = calls[index];
            var commas = Enumerable.Range(0, call.Arguments.Length).Where(i => call.Arguments[i] == ',' &&
                StraceArguments.Split(call.Arguments[..i]).Count + StraceArguments.Split(call.Arguments[(i + 1)..]).Count == call.ArgumentList.Count).ToList();
            if (commas.Count == 0) return;
            int at = commas[cut % commas.Count] + 1;
            string text = $"{call.Pid} {call.Name}({call.Arguments[..at]} <unfinished ...>\n" +
                          $"{call.Pid + 1} exit_group(0) = ?\n" +
                          $"{call.Pid} <... {call.Name} resumed>{call.Arguments[at..]}) = {call.Result!.Text}";
            var joined = StraceTrace.ParseOrThrow(text).Calls.First(c => c.Pid == call.Pid);
            Assert.Equal(call.ArgumentList, joined.ArgumentList);
            Assert.Equal(call.Result, joined.Result);
            Assert.Equal(1, joined.StartLine);
            Assert.Equal(3, joined.LineNumber);
        }, iter: 500);
    }
}
