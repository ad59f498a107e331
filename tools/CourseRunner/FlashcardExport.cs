using CourseKit.Lessons;

namespace CourseKit.Runner;

/// <summary>Writes every lesson's flashcards as a deck Anki imports, from their one source in the library's folder.</summary>
public static class FlashcardExport
{
    /// <summary>The source: lib/Lessons/flashcards.md under the course root.</summary>
    public static string SourcePath(string root) => Path.Combine(root, "lib", "Lessons", FlashcardText.FileName);

    /// <summary>
    /// Writes <c>flashcards.txt</c> (tab-separated, Anki's headers) into <paramref name="outputDirectory"/>;
    /// returns its path and the number of cards. A malformed source throws <see cref="FormatException"/> naming the line.
    /// </summary>
    public static (string Path, int Cards) Write(string root, string outputDirectory)
    {
        var cards = FlashcardText.Parse(File.ReadAllText(SourcePath(root)));
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "flashcards.txt");
        File.WriteAllText(path, FlashcardText.ToAnki(cards));
        return (path, cards.Count);
    }
}
