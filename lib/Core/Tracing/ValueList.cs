using System.Collections;
using System.Collections.Immutable;

namespace CourseKit.Tracing;

/// <summary>
/// An immutable list compared by its elements, so that snapshot records holding lists are equal when
/// their contents are equal ("the machine after the failed call equals the machine before").
/// </summary>
public readonly struct ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>Wraps an immutable array.</summary>
    public ValueList(ImmutableArray<T> items) => _items = items;

    /// <summary>Copies a sequence.</summary>
    public ValueList(IEnumerable<T> items) => _items = [.. items];

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty => new(ImmutableArray<T>.Empty);

    private ImmutableArray<T> Items => _items.IsDefault ? ImmutableArray<T>.Empty : _items;

    /// <inheritdoc/>
    public int Count => Items.Length;

    /// <inheritdoc/>
    public T this[int index] => Items[index];

    /// <summary>The items as a span: for loops over big lists (a million pages) without per-item interface calls.</summary>
    public ReadOnlySpan<T> AsSpan() => Items.AsSpan();

    /// <inheritdoc/>
    public bool Equals(ValueList<T> other) => Items.SequenceEqual(other.Items);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>Element-wise equality.</summary>
    public static bool operator ==(ValueList<T> a, ValueList<T> b) => a.Equals(b);

    /// <summary>Element-wise inequality.</summary>
    public static bool operator !=(ValueList<T> a, ValueList<T> b) => !a.Equals(b);

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"[a, b, c]".</summary>
    public override string ToString() => "[" + string.Join(", ", Items) + "]";
}
