namespace Probabilistic.Core.Data;

/// <summary>
/// Reads tagged text. Brown / word-tag format: one sentence per non-blank line, tokens separated by white space,
/// each token <c>word/tag</c> split at the last '/'. CoNLL format: one token per line with columns separated by
/// tabs (or runs of spaces), a blank line between sentences, '#' comment lines ignored.
/// Sentences are streamed, so a file larger than memory can be read.
/// </summary>
public static class TaggedCorpusReader
{
    /// <summary>Brown / word-tag sentences from a file (plain or gzip).</summary>
    public static IEnumerable<TaggedSentence> ReadWordTag(string path)
    {
        using var reader = DataFiles.OpenText(path);
        foreach (var s in ReadWordTag(reader, path)) yield return s;
    }

    /// <summary>Brown / word-tag sentences from a reader; <paramref name="name"/> is used in errors.</summary>
    public static IEnumerable<TaggedSentence> ReadWordTag(TextReader reader, string name)
    {
        long lineNo = 0;
        string? line;
        var words = new List<string>();
        var tags = new List<string>();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            words.Clear(); tags.Clear();
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                int slash = token.LastIndexOf('/');
                if (slash <= 0 || slash == token.Length - 1)
                    throw new DataFormatException(name, lineNo, $"token '{token}' is not of the form word/tag");
                words.Add(token[..slash]);
                tags.Add(token[(slash + 1)..]);
            }
            if (words.Count > 0) yield return new TaggedSentence(words.ToArray(), tags.ToArray());
        }
    }

    /// <summary>CoNLL sentences from a file; columns are 0-based; null picks them from the first token line.</summary>
    public static IEnumerable<TaggedSentence> ReadConll(string path, int? wordColumn = null, int? tagColumn = null)
    {
        using var reader = DataFiles.OpenText(path);
        foreach (var s in ReadConll(reader, path, wordColumn, tagColumn)) yield return s;
    }

    /// <summary>
    /// CoNLL sentences from a reader. Without explicit columns: a 10-column line whose first field is a number is
    /// CoNLL-U (FORM = 1, UPOS = 3); otherwise the word is the first column and the tag the last.
    /// </summary>
    public static IEnumerable<TaggedSentence> ReadConll(TextReader reader, string name, int? wordColumn = null, int? tagColumn = null)
    {
        long lineNo = 0;
        string? line;
        var words = new List<string>();
        var tags = new List<string>();
        int? wc = wordColumn, tc = tagColumn;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                if (words.Count > 0) { yield return new TaggedSentence(words.ToArray(), tags.ToArray()); words.Clear(); tags.Clear(); }
                continue;
            }
            if (line.StartsWith('#')) continue;
            var cols = SplitColumns(line);
            bool conlluId = cols.Length == 10 && IsConlluId(cols[0]);
            if (conlluId && !int.TryParse(cols[0], out _))
                continue; // CoNLL-U multi-word token ranges (1-2) and empty nodes (3.1) carry no tag of their own
            if (wc is null || tc is null)
            {
                wc ??= conlluId ? 1 : 0;
                tc ??= conlluId ? 3 : cols.Length - 1;
            }
            if (cols.Length < 2)
                throw new DataFormatException(name, lineNo, $"token line '{line}' has no tag column (expected word and tag separated by a tab)");
            if (wc >= cols.Length || tc >= cols.Length)
                throw new DataFormatException(name, lineNo, $"line has {cols.Length} columns but the word/tag columns are {wc}/{tc}");
            words.Add(cols[wc.Value]);
            tags.Add(cols[tc.Value]);
        }
        if (words.Count > 0) yield return new TaggedSentence(words.ToArray(), tags.ToArray());
    }

    private static bool IsConlluId(string field) =>
        field.Length > 0 && char.IsAsciiDigit(field[0]) && field.All(c => char.IsAsciiDigit(c) || c is '-' or '.');

    private static string[] SplitColumns(string line) =>
        line.Contains('\t')
            ? line.Split('\t')
            : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
