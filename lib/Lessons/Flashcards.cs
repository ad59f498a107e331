using System.Collections;
using CourseKit.Display;

namespace CourseKit.Lessons;

/// <summary>A question and its answer, from one lesson.</summary>
/// <param name="Lesson">The lesson it belongs to ("02-fork").</param>
/// <param name="Question">The front of the card.</param>
/// <param name="Answer">The back of the card (plain text; <c>`code`</c> and "- " bullets are drawn as such).</param>
public sealed record Flashcard(string Lesson, string Question, string Answer);

/// <summary>
/// Some flashcards that draw themselves with the answers hidden: each card is an HTML &lt;details&gt; element, so
/// clicking the question shows the answer with no script (it works in Jupyter, VS Code and the offline site).
/// </summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class FlashcardDeck(string title, IReadOnlyList<Flashcard> cards) : IReadOnlyList<Flashcard>
{
    /// <summary>What the deck holds ("flashcards of 02-fork").</summary>
    public string Title { get; } = title;

    /// <inheritdoc/>
    public Flashcard this[int index] => cards[index];

    /// <inheritdoc/>
    public int Count => cards.Count;

    /// <summary>The deck as a file Anki imports (tab-separated, with Anki's headers and a comment).</summary>
    public string ToAnki() => FlashcardText.ToAnki(cards.Select(c => (c.Lesson, c.Question, c.Answer)));

    /// <inheritdoc/>
    public IEnumerator<Flashcard> GetEnumerator() => cards.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Questions and answers as text.</summary>
    public override string ToString() =>
        $"{Title} ({cards.Count} cards)" + string.Concat(cards.Select(c => $"\n\nQ: {c.Question}\nA: {c.Answer}"));
}

/// <summary>
/// The course's flashcards, read from their one source (lib/Lessons/flashcards.md, embedded in the library).
/// A lesson ends with <c>Flashcards.For("02")</c>; the course runner exports every card for Anki.
/// </summary>
public static class Flashcards
{
    private static readonly Lazy<IReadOnlyList<Flashcard>> Cards = new(Load);

    /// <summary>Every card of the course, in lesson order.</summary>
    public static FlashcardDeck All => new("flashcards of the whole course", Cards.Value);

    /// <summary>
    /// The cards of one lesson, by number ("02") or full name ("02-fork"). Throws an
    /// <see cref="ArgumentException"/> listing the lessons that have cards when none matches.
    /// </summary>
    public static FlashcardDeck For(string lesson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lesson);
        var cards = Cards.Value.Where(c => c.Lesson == lesson || c.Lesson.StartsWith(lesson + "-", StringComparison.Ordinal)).ToList();
        if (cards.Count == 0)
            throw new ArgumentException($"no flashcards for lesson '{lesson}' in {FlashcardText.FileName}; lessons with cards: {string.Join(", ", Cards.Value.Select(c => c.Lesson).Distinct())}", nameof(lesson));
        return new FlashcardDeck($"Flashcards · {cards[0].Lesson}", cards);
    }

    /// <summary>Every card as a file Anki imports.</summary>
    public static string Anki() => All.ToAnki();

    private static IReadOnlyList<Flashcard> Load()
    {
        var assembly = typeof(Flashcards).Assembly;
        using var stream = assembly.GetManifestResourceStream("CourseKit.Lessons." + FlashcardText.FileName)
                           ?? throw new InvalidOperationException($"bug: {FlashcardText.FileName} is not embedded in {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return FlashcardText.Parse(reader.ReadToEnd()).Select(c => new Flashcard(c.Lesson, c.Question, c.Answer)).ToList();
    }
}
