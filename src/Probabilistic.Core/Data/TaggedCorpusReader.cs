namespace Probabilistic.Core.Data;

/// <summary>
/// Reads tagged text. Brown / word-tag format: one sentence per non-blank line, tokens separated by white space,
/// each token <c>word/tag</c> split at the last '/'. CoNLL format: one token per line with columns separated by
/// tabs (or runs of spaces), a blank line between sentences, '#' comment lines ignored; the first token line fixes the
/// number of columns and every other token line must have as many (CoNLL-U multi-word ranges and empty nodes aside).
/// Sentences are streamed, so a file larger than memory can be read; binary data and endless lines are refused.
/// </summary>
public static class TaggedCorpusReader
{
    /// <summary>Brown / word-tag sentences from a file (plain or gzip; "-" for standard input).</summary>
    public static IEnumerable<TaggedSentence> ReadWordTag(string path)
    {
        using var reader = DataFiles.OpenText(path);
        foreach (var s in ReadWordTag(reader, DataFiles.DisplayName(path))) yield return s;
    }

    /// <summary>Brown / word-tag sentences from a reader; <paramref name="name"/> is used in errors.</summary>
    public static IEnumerable<TaggedSentence> ReadWordTag(TextReader reader, string name)
    {
        var lines = new LineReader(reader, name);
        string? line;
        var words = new List<string>();
        var tags = new List<string>();
        while ((line = lines.ReadLine()) is not null)
        {
            words.Clear(); tags.Clear();
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                int slash = token.LastIndexOf('/');
                if (slash <= 0 || slash == token.Length - 1)
                    throw new DataFormatException(name, lines.LineNumber, $"token '{Excerpt.Of(token, 80)}' is not of the form word/tag");
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
        foreach (var s in ReadConll(reader, DataFiles.DisplayName(path), wordColumn, tagColumn)) yield return s;
    }

    /// <summary>
    /// CoNLL sentences from a reader. Without explicit columns: a 10-column line whose first field is a number is
    /// CoNLL-U (FORM = 1, UPOS = 3); otherwise the word is the first column and the tag the last.
    /// </summary>
    public static IEnumerable<TaggedSentence> ReadConll(TextReader reader, string name, int? wordColumn = null, int? tagColumn = null)
    {
        var layout = new ConllLayout(name, requireTag: true, wordColumn, tagColumn);
        foreach (var (words, tags) in layout.Read(reader)) yield return new TaggedSentence(words, tags!);
    }

    /// <summary>
    /// The words of CoNLL sentences (for tagging: the tag column is optional), with the same layout rules as
    /// <see cref="ReadConll(TextReader, string, int?, int?)"/>: the word is column 1, or FORM for CoNLL-U, and every token
    /// line must have as many columns as the first.
    /// </summary>
    public static IEnumerable<string[]> ReadConllWords(TextReader reader, string name)
    {
        var layout = new ConllLayout(name, requireTag: false, null, null);
        foreach (var (words, _) in layout.Read(reader)) yield return words;
    }

    private sealed class ConllLayout(string name, bool requireTag, int? wordColumn, int? tagColumn)
    {
        private int? _wc = wordColumn, _tc = tagColumn, _columns;
        private long _firstLine;

        public IEnumerable<(string[] Words, string[]? Tags)> Read(TextReader reader)
        {
            var lines = new LineReader(reader, name);
            string? line;
            var words = new List<string>();
            var tags = new List<string>();
            while ((line = lines.ReadLine()) is not null)
            {
                long lineNo = lines.LineNumber;
                if (string.IsNullOrWhiteSpace(line))
                {
                    if (words.Count > 0) { yield return (words.ToArray(), requireTag ? tags.ToArray() : null); words.Clear(); tags.Clear(); }
                    continue;
                }
                if (line.StartsWith('#')) continue;
                var cols = SplitColumns(line);
                bool conlluId = cols.Length == 10 && IsConlluId(cols[0]);
                if (conlluId && !int.TryParse(cols[0], out _))
                    continue; // CoNLL-U multi-word token ranges (1-2) and empty nodes (3.1) carry no tag of their own
                if (requireTag && cols.Length < 2)
                    throw new DataFormatException(name, lineNo, $"token line '{Excerpt.Of(line, 80)}' has no tag column (expected word and tag separated by a tab)");
                if (_columns is null)
                {
                    _columns = cols.Length;
                    _firstLine = lineNo;
                    _wc ??= conlluId ? 1 : 0;
                    _tc ??= conlluId ? 3 : cols.Length - 1;
                }
                else if (cols.Length != _columns)
                    throw new DataFormatException(name, lineNo,
                        $"token line has {cols.Length} columns but the first token line (line {_firstLine}) has {_columns}; every token line of a CoNLL file needs the same columns");
                if (_wc >= cols.Length || (requireTag && _tc >= cols.Length))
                    throw new DataFormatException(name, lineNo, $"line has {cols.Length} columns but the word/tag columns are {_wc}/{_tc}");
                var word = cols[_wc!.Value];
                if (string.IsNullOrWhiteSpace(word)) throw new DataFormatException(name, lineNo, $"the word column ({_wc + 1}) is empty");
                words.Add(word);
                if (requireTag)
                {
                    var tag = cols[_tc!.Value];
                    if (string.IsNullOrWhiteSpace(tag)) throw new DataFormatException(name, lineNo, $"the tag column ({_tc + 1}) is empty");
                    tags.Add(tag);
                }
            }
            if (words.Count > 0) yield return (words.ToArray(), requireTag ? tags.ToArray() : null);
        }
    }

    private static bool IsConlluId(string field) =>
        field.Length > 0 && char.IsAsciiDigit(field[0]) && field.All(c => char.IsAsciiDigit(c) || c is '-' or '.');

    private static string[] SplitColumns(string line) =>
        line.Contains('\t')
            ? line.Split('\t')
            : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

}
