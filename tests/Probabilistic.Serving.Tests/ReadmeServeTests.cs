using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Mixtures;

namespace Probabilistic.Serving.Tests;

/// <summary>
/// Every curl line of the README's "Serve a model" section, replayed with HttpClient against a server over the folder the
/// section builds (the shipped tagger as brown, a 2-component mixture fitted on datasets/faithful.csv as faithful). A line
/// ending in <c># NNN: text</c> must answer status NNN with text in its body; every other line must answer 200.
/// </summary>
public sealed class ReadmeServeTests
{
    private const string Section = "## Serve a model";
    private const string Key = "readme-test-key";

    /// <summary>The curl lines of the section.</summary>
    public static IReadOnlyList<string> CurlLines()
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md")).Replace("\r\n", "\n");
        int start = text.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has a section '{Section}'");
        int end = text.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        return text[start..end].Split('\n').Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public async Task EveryCurlExampleAnswersAsTheReadmeSays()
    {
        var lines = CurlLines();
        Assert.True(lines.Count >= 10, $"the section has only {lines.Count} curl lines");
        await using var open = await ServerHarness.StartAsync(Fill);
        await using var keyed = await ServerHarness.StartAsync(Fill, o => o with { ApiKey = Key });
        foreach (var line in lines)
        {
            var (command, expectedStatus, expectedText) = SplitComment(line);
            bool usesKey = command.Contains("$(cat key.txt)", StringComparison.Ordinal) || expectedStatus == 401;
            var server = usesKey ? keyed : open;
            var request = Parse(command.Replace("$(cat key.txt)", Key, StringComparison.Ordinal), server.BaseAddress, out var outputFile);
            var response = await server.Client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var bodyText = Encoding.UTF8.GetString(body);
            Assert.True((int)response.StatusCode == expectedStatus, $"README line\n  {line}\nanswered {(int)response.StatusCode}, not {expectedStatus}: {bodyText}");
            if (expectedText is not null) Assert.True(bodyText.Contains(expectedText, StringComparison.Ordinal), $"README line\n  {line}\nanswered without '{expectedText}': {bodyText}");
            var type = response.Content.Headers.ContentType?.MediaType;
            if (type is "application/json" or "application/problem+json") JsonNode.Parse(bodyText);
            if (outputFile is not null) Assert.Equal("image/png", type);
        }
    }

    private static void Fill(string dir)
    {
        File.Copy(Path.Combine(TestPaths.Datasets, "models", "brown-sample.tagger.json"), Path.Combine(dir, "brown.json"));
        var faithful = CsvReader.ReadNumeric(Path.Combine(TestPaths.Datasets, "faithful.csv"));
        new GaussianMixture(new GaussianMixtureOptions(2)).Fit(faithful, new Core.Inference.FitOptions(Seed: 0)).Model.Save(Path.Combine(dir, "faithful.json"));
    }

    private static (string Command, int Status, string? Text) SplitComment(string line)
    {
        int hash = line.IndexOf("   # ", StringComparison.Ordinal);
        if (hash < 0) return (line, 200, null);
        var comment = line[(hash + 5)..];
        int colon = comment.IndexOf(':');
        int status = int.Parse(colon < 0 ? comment : comment[..colon], System.Globalization.CultureInfo.InvariantCulture);
        return (line[..hash].TrimEnd(), status, colon < 0 ? null : comment[(colon + 1)..].Trim());
    }

    /// <summary>The request a curl line makes: -H headers, -d / --data-binary body (POST), -o output file, the URL.</summary>
    private static HttpRequestMessage Parse(string command, Uri baseAddress, out string? outputFile)
    {
        var words = ShellWords(command);
        Assert.Equal("curl", words[0]);
        var headers = new List<(string, string)>();
        string? data = null, url = null;
        outputFile = null;
        for (int i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-s" or "-i" or "-S" or "-f": break;
                case "-H": var h = words[++i]; int c = h.IndexOf(':'); headers.Add((h[..c].Trim(), h[(c + 1)..].Trim())); break;
                case "-d" or "--data" or "--data-binary": data = words[++i]; break;
                case "-o": outputFile = words[++i]; break;
                default:
                    Assert.True(words[i].StartsWith("http://127.0.0.1:8080/", StringComparison.Ordinal), $"unexpected curl word '{words[i]}' in: {command}");
                    url = words[i];
                    break;
            }
        }
        Assert.NotNull(url);
        var target = new Uri(baseAddress, url!["http://127.0.0.1:8080".Length..]);
        var request = new HttpRequestMessage(data is null ? HttpMethod.Get : HttpMethod.Post, target);
        if (data is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(data));
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    /// <summary>Splits a command line into words as a POSIX shell does for single- and double-quoted arguments.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (ch is '\'' or '"')
            {
                int close = line.IndexOf(ch, i + 1);
                current.Append(line, i + 1, close - i - 1);
                i = close;
                inWord = true;
            }
            else if (char.IsWhiteSpace(ch))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
            }
            else { current.Append(ch); inWord = true; }
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }
}
