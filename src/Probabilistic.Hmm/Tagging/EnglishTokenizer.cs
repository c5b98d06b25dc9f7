using System.Text;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Splits raw English text into the tokens the tagger was trained on: the Brown corpus's tokenisation. Punctuation is a
/// token of its own (<c>city.</c> → <c>city .</c>, <c>no,</c> → <c>no ,</c>, <c>(a)</c> → <c>( a )</c>, <c>--</c>),
/// double quotes become Brown's <c>``</c> (opening) and <c>''</c> (closing), while clitics stay on their word as Brown
/// tags them (<c>didn't/dod*</c>, <c>it's/pps+bez</c>, <c>Atlanta's/np$</c>), abbreviations and initials keep their period
/// (<c>Mr.</c>, <c>Jr.</c>, <c>U.S.</c>, <c>J.</c>), and numbers keep their separators (<c>3,000</c>, <c>2.5</c>, <c>$12</c>).
/// Penn Treebank differs on the clitics (it splits <c>do n't</c>); this tokeniser follows the corpus the shipped models learn from.
/// </summary>
public static class EnglishTokenizer
{
    /// <summary>Abbreviations that keep their final period (compared without it, case-insensitively).</summary>
    public static IReadOnlySet<string> Abbreviations { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "gov", "sen", "rep", "rev", "col", "capt", "lt", "sgt", "maj",
        "co", "corp", "inc", "ltd", "bros", "vs", "etc", "no", "mt", "ave", "ft", "jan", "feb", "mar", "apr", "aug", "sept", "sep",
        "oct", "nov", "dec", "a.m", "p.m", "e.g", "i.e", "u.s", "u.n", "n.y", "d.c",
    };

    private const string Closing = ",;:?!)]}";

    /// <summary>The tokens of one sentence (a line of raw text).</summary>
    public static string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var chunk in Normalize(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            Split(chunk, tokens);
        return tokens.ToArray();
    }

    /// <summary>Curly quotes to straight ones, then each double quote to <c>``</c> or <c>''</c> by its side, as separate tokens.</summary>
    private static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\u201C') { sb.Append(" `` "); continue; }
            if (c is '\u201D') { sb.Append(" '' "); continue; }
            if (c is '\u2019') c = '\'';
            if (c is '\u2018') c = '`';
            if (c == '"')
            {
                bool opening = i == 0 || char.IsWhiteSpace(text[i - 1]) || "([{".Contains(text[i - 1]);
                sb.Append(opening ? " `` " : " '' ");
                continue;
            }
            if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                sb.Append(" -- ");
                i++;
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static void Split(string chunk, List<string> tokens)
    {
        if (chunk is "``" or "''" or "--") { tokens.Add(chunk); return; }
        // Leading brackets and single opening quotes.
        int start = 0;
        while (start < chunk.Length && "([{`".Contains(chunk[start]))
        {
            tokens.Add(chunk[start].ToString());
            start++;
        }
        var trailing = new Stack<string>();
        int end = chunk.Length;
        while (end > start)
        {
            char c = chunk[end - 1];
            if (Closing.Contains(c)) { trailing.Push(c.ToString()); end--; continue; }
            if (c == '\'' && end - 1 > start && chunk[end - 2] != 's' && !char.IsLetter(chunk[end - 2]))
            {
                trailing.Push("'"); end--; continue; // a closing single quote after punctuation
            }
            if (c == '.')
            {
                if (end - start >= 3 && chunk[(end - 3)..end] == "...") { trailing.Push("..."); end -= 3; continue; }
                var word = chunk[start..(end - 1)];
                if (word.Length > 0 && KeepsPeriod(word)) break;
                trailing.Push("."); end--; continue;
            }
            break;
        }
        if (end > start) tokens.Add(chunk[start..end]);
        while (trailing.Count > 0) tokens.Add(trailing.Pop());
    }

    /// <summary>An abbreviation, an initial (<c>J.</c>), or a word with periods inside (<c>U.S.</c>) keeps its period.</summary>
    private static bool KeepsPeriod(string word) =>
        Abbreviations.Contains(word)
        || (word.Length == 1 && char.IsLetter(word[0]))
        || (word.Contains('.') && word.Split('.').All(p => p.Length <= 2 && p.All(char.IsLetter)));
}
