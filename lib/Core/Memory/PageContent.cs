namespace CourseKit.Memory;

/// <summary>
/// The bytes of one page, stored sparsely as 8-byte words and never changed after creation.
/// </summary>
/// <remarks>
/// Immutability is what makes a copy-on-write copy cheap here: the new frame points at the same content
/// object (O(1)), and the next write builds a new content object for the writer only. Words not stored
/// read as zero, so an untouched page costs nothing. Small pages keep sorted (index, word) arrays; pages
/// with many words switch to a dense array.
/// </remarks>
internal sealed class PageContent
{
    private readonly ushort[]? _indices; // sparse form: sorted word indices
    private readonly ulong[] _words;     // sparse: values for _indices; dense: every word of the page

    private PageContent(ushort[]? indices, ulong[] words)
    {
        _indices = indices;
        _words = words;
    }

    /// <summary>Content with two words set (used when a frame's single inline word gets a neighbour).</summary>
    public static PageContent FromWords(ReadOnlySpan<(int Index, ulong Word)> words, int pageWords)
    {
        var content = new PageContent([], []);
        foreach (var (index, word) in words) content = content.With(index, [word], pageWords);
        return content;
    }

    /// <summary>The word at <paramref name="index"/> (zero when never written).</summary>
    public ulong Read(int index)
    {
        if (_indices is null) return _words[index];
        int at = Array.BinarySearch(_indices, (ushort)index);
        return at >= 0 ? _words[at] : 0;
    }

    /// <summary>A new content with <paramref name="words"/> stored from word <paramref name="start"/> on.</summary>
    public PageContent With(int start, ReadOnlySpan<ulong> words, int pageWords)
    {
        if (_indices is null)
        {
            var dense = (ulong[])_words.Clone();
            words.CopyTo(dense.AsSpan(start));
            return new PageContent(null, dense);
        }
        var merged = new SortedList<ushort, ulong>(_indices.Length + words.Length);
        for (int i = 0; i < _indices.Length; i++) merged[_indices[i]] = _words[i];
        for (int i = 0; i < words.Length; i++) merged[(ushort)(start + i)] = words[i];
        if (merged.Count * 4 > pageWords)
        {
            var dense = new ulong[pageWords];
            foreach (var (index, word) in merged) dense[index] = word;
            return new PageContent(null, dense);
        }
        return new PageContent([.. merged.Keys], [.. merged.Values]);
    }
}
