using System.Collections.Concurrent;

namespace CourseKit.Display;

/// <summary>
/// The renderers for the library's values, by type and MIME type. The core declares the registry and the
/// formatter source; the outer layers (Views, Charts) fill it from their module initializers. That keeps the
/// arrow pointing inward: core types carry <c>[TypeFormatterSource(typeof(DisplaySource))]</c> without knowing
/// how they are drawn.
/// </summary>
public static class DisplayRegistry
{
    /// <summary>HTML: what Jupyter, VS Code and the offline site show.</summary>
    public const string Html = "text/html";

    /// <summary>Plain text: terminals, dotnet-repl, diffs in tests.</summary>
    public const string PlainText = "text/plain";

    private static readonly ConcurrentDictionary<(Type Type, string MimeType), Func<object, string>> Renderers = new();

    /// <summary>Registers (or replaces) the renderer that draws values of <typeparamref name="T"/> (and of
    /// types derived from it) as <paramref name="mimeType"/>.</summary>
    public static void Register<T>(string mimeType, Func<T, string> render)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        ArgumentNullException.ThrowIfNull(render);
        Renderers[(typeof(T), mimeType)] = value => render((T)value);
    }

    /// <summary>Registers a renderer by <see cref="Type"/>, which may be an open generic type (for example
    /// <c>typeof(SysResult&lt;&gt;)</c>): it then draws every constructed type of that definition.</summary>
    public static void Register(Type type, string mimeType, Func<object, string> render)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(mimeType);
        ArgumentNullException.ThrowIfNull(render);
        Renderers[(type, mimeType)] = render;
    }

    /// <summary>Registers both forms of a value at once: the HTML view and its text/plain twin.</summary>
    public static void Register<T>(Func<T, string> html, Func<T, string> text)
    {
        Register(Html, html);
        Register(PlainText, text);
    }

    /// <summary>The types that have at least one renderer.</summary>
    public static IReadOnlyCollection<Type> RegisteredTypes => Renderers.Keys.Select(k => k.Type).Distinct().ToArray();

    /// <summary>Finds the renderer for the value's runtime type, walking up its base types and then its
    /// interfaces, so one renderer can draw a whole family (for example every kernel event).</summary>
    public static bool TryRender(object value, string mimeType, out string rendered)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            if (Renderers.TryGetValue((type, mimeType), out var render)
                || (type.IsConstructedGenericType && Renderers.TryGetValue((type.GetGenericTypeDefinition(), mimeType), out render)))
            {
                rendered = render(value);
                return true;
            }
        }
        foreach (var type in value.GetType().GetInterfaces())
        {
            if (Renderers.TryGetValue((type, mimeType), out var render))
            {
                rendered = render(value);
                return true;
            }
        }
        rendered = "";
        return false;
    }

    /// <summary>Renders a value as <paramref name="mimeType"/>, or null when no renderer knows its type.</summary>
    public static string? Render(object value, string mimeType) =>
        TryRender(value, mimeType, out var rendered) ? rendered : null;
}
