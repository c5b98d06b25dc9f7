namespace Probabilistic.Core.Data;

/// <summary>Quoting input in messages: a hostile line or field is shown in part, never whole.</summary>
internal static class Excerpt
{
    /// <summary><paramref name="text"/>, cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Of(string text, int max = 60) => text.Length <= max ? text : text[..max] + "…";
}
