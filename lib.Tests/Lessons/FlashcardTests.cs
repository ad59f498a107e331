using CourseKit.Lessons;

namespace CourseKit.Tests.Lessons;

public sealed class FlashcardTests
{
    [Fact]
    public void The_seed_card_is_in_the_course_with_the_four_calls_and_copy_on_write()
    {
        var seed = Flashcards.All.Single(c => c.Question.StartsWith("Process creation: summary", StringComparison.Ordinal));
        Assert.Contains("What does the parent do after the child is started?", seed.Question);
        foreach (var word in new[] { "`fork`", "`exec`", "`wait`", "`exit`", "Copy-on-write" }) Assert.Contains(word, seed.Answer);
    }

    [Fact]
    public void Every_lesson_with_cards_is_a_lesson_of_the_course()
    {
        var lessons = Directory.GetFiles(Course.CourseFolders.Notebooks, "*.ipynb").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.All(Flashcards.All.Select(c => c.Lesson).Distinct(), lesson => Assert.Contains(lesson, lessons));
    }

    [Fact]
    public void For_finds_a_lesson_by_number_or_name_and_names_the_lessons_when_none_matches()
    {
        Assert.Equal(Flashcards.For("02").Select(c => c.Question), Flashcards.For("02-fork").Select(c => c.Question));
        var e = Assert.Throws<ArgumentException>(() => Flashcards.For("99"));
        Assert.Contains("02-fork", e.Message);
    }

    [Fact]
    public void The_anki_file_has_a_comment_the_headers_and_one_tab_separated_line_per_card()
    {
        var anki = Flashcards.Anki();
        var lines = anki.TrimEnd('\n').Split('\n');
        Assert.StartsWith("# ", lines[0]);
        Assert.Contains("#separator:tab", lines);
        Assert.Contains("#html:true", lines);
        var cards = lines.Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(Flashcards.All.Count, cards.Count);
        Assert.All(cards, c =>
        {
            var fields = c.Split('\t');
            Assert.Equal(4, fields.Length);
            Assert.StartsWith("coursekit-", fields[0]);
            Assert.DoesNotContain('\n', c);
        });
        Assert.Equal(cards.Count, cards.Select(c => c.Split('\t')[0]).Distinct().Count());
    }

    [Fact]
    public void The_runner_writes_the_same_deck_the_library_draws_from_the_one_source()
    {
        var folder = Course.CourseFolders.NewTempFolder();
        try
        {
            var (path, cards) = Runner.FlashcardExport.Write(Course.CourseFolders.Root, folder);
            Assert.Equal(Flashcards.All.Count, cards);
            Assert.Equal(Flashcards.Anki(), File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Answers_become_encoded_html_with_code_and_bullets()
    {
        Assert.Equal("• <code>fork()</code> &lt;returns&gt; twice<br>second line", FlashcardText.ToHtml("- `fork()` <returns> twice\nsecond line"));
    }

    [Theory]
    [InlineData("### q\nanswer", "before any lesson")]
    [InlineData("## 02-fork\n### q\n\n## 03-exec", "no answer")]
    [InlineData("## Fork lesson\n### q\na", "not a lesson name")]
    [InlineData("## 02-fork\n### q\na\n### q\nb", "already has")]
    public void A_malformed_source_names_the_line_and_the_problem(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => FlashcardText.Parse(text));
        Assert.Contains(problem, e.Message);
        Assert.Contains("line", e.Message);
    }

    [Fact]
    public void The_deck_draws_each_card_as_a_details_element_without_script()
    {
        var html = Display.DisplayRegistry.Render(Flashcards.For("03"), Display.DisplayRegistry.Html)!;
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal(Flashcards.For("03").Count, document.QuerySelectorAll("details.ck-card > summary").Length);
        Assert.Empty(document.QuerySelectorAll("script"));
    }
}
