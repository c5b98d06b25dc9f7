using System.Globalization;
using System.Text;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Vae;
using static Probabilistic.Cli.Tests.Hostile.HostileFiles;

namespace Probabilistic.Cli.Tests.Hostile;

/// <summary>
/// Seeded fuzzing of the binary readers and the model-file envelope: random mutations (bit flips, extreme integers in
/// headers, truncation, garbage, JSON tokens of the wrong type) of valid files. Every outcome must be a valid load or a
/// refusal of the project's own type (<see cref="ProbabilisticException"/>), never another exception, and each case
/// must stay within a memory bound measured by <see cref="GC.GetAllocatedBytesForCurrentThread"/> (loads run with a
/// 256 MiB budget, so a mutated header that claims gigabytes is refused before it is allocated).
/// The seed is 13 unless PROB_FUZZ_SEED says otherwise; a failure prints it with the case.
/// </summary>
public sealed class BinaryReaderFuzzTests(HostileFiles files) : IClassFixture<HostileFiles>
{
    private static readonly MemoryBudget Budget = new(256L << 20, "fuzz test");

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("PROB_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 13;

    [Theory]
    [InlineData("npy", 1000)]
    [InlineData("idx", 1000)]
    [InlineData("idx-gzip", 300)]
    [InlineData("vae", 600)]
    [InlineData("envelope-gmm", 300)]
    [InlineData("envelope-bayesian-gmm", 250)]
    [InlineData("envelope-hmm", 300)]
    [InlineData("envelope-tagger", 250)]
    public void MutatedFilesLoadOrAreRefusedByName(string target, int cases)
    {
        var (valid, load, text) = Target(target);
        var random = new Random(HashCode.Combine(Seed, target.GetHashCode(StringComparison.Ordinal) & 0xFFFF));
        var dir = Directory.CreateDirectory(Path.Combine(files.Root, "fuzz", target)).FullName;
        var path = Path.Combine(dir, target.StartsWith("idx-gzip", StringComparison.Ordinal) ? "f.gz" : "f");
        int loaded = 0, refused = 0;
        for (int i = 0; i < cases; i++)
        {
            var (bytes, how) = text ? MutateJson(valid, random) : Mutate(valid, random);
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? thrown = null;
            try { load(path); loaded++; }
            catch (Exception e) { thrown = e; }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            string where = $"seed {Seed}, {target} case {i} ({how}), {bytes.Length} bytes";
            if (thrown is not null)
            {
                Assert.True(thrown is ProbabilisticException, $"{where}: {thrown.GetType().Name} is not a named refusal: {thrown}");
                Assert.False(string.IsNullOrWhiteSpace(thrown.Message), $"{where}: a refusal without a message");
                refused++;
            }
            long bound = (64L << 20) + 64L * bytes.Length;
            Assert.True(allocated <= bound, $"{where}: allocated {allocated:N0} bytes, more than the bound {bound:N0}");
        }
        // The mutations must exercise both outcomes, or the test proves little.
        Assert.True(refused > cases / 10, $"{target}: only {refused} of {cases} mutations were refused");
        Console.WriteLine($"fuzz {target}: {cases} cases, {loaded} loaded, {refused} refused (seed {Seed})");
    }

    private (byte[] Valid, Action<string> Load, bool Text) Target(string target) => target switch
    {
        "npy" => (Npy("<f8", "(3, 2)", Doubles(1, 2, 3, 4, 5, 6)), p => NpyReader.Read(p, Budget), false),
        "idx" => (Idx([5, 3, 2], Enumerable.Range(0, 30).Select(i => (byte)i).ToArray()), p => IdxReader.Read(p, null, Budget), false),
        "idx-gzip" => (Gzip(Idx([5, 3, 2], Enumerable.Range(0, 30).Select(i => (byte)i).ToArray())), p => IdxReader.Read(p, null, Budget), false),
        "vae" => (File.ReadAllBytes(files.VaeModel), p => VariationalAutoencoder.Load(p, budget: Budget).Dispose(), false),
        "envelope-gmm" => (File.ReadAllBytes(files.GmmModel), p => GaussianMixture.Load(p, Budget), true),
        "envelope-bayesian-gmm" => (File.ReadAllBytes(files.BayesModel), p => BayesianGaussianMixture.Load(p, Budget), true),
        "envelope-hmm" => (File.ReadAllBytes(files.Gaussian2Model), p => HmmModelFile.Load(p, Budget), true),
        "envelope-tagger" => (File.ReadAllBytes(files.TaggerModel), p => HmmTagger.Load(p, Budget), true),
        _ => throw new ArgumentException(target),
    };

    private static readonly int[] ExtremeInts = [0, 1, -1, 2, int.MaxValue, int.MinValue, 0x7FFFFFF0, 0x10000, 255, 1 << 30];
    private static readonly byte[] ExtremeBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'(', (byte)')', (byte)',', (byte)'\'', (byte)'9'];

    /// <summary>One to three byte-level mutations, half of them in the first 128 bytes (where the headers are).</summary>
    private static (byte[] Bytes, string How) Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        var how = new List<string>();
        int count = 1 + random.Next(3);
        for (int m = 0; m < count && bytes.Count > 0; m++)
        {
            int at = random.Next(2) == 0 ? random.Next(Math.Min(128, bytes.Count)) : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); how.Add($"flip bit at {at}"); break;
                case 1: bytes[at] = ExtremeBytes[random.Next(ExtremeBytes.Length)]; how.Add($"byte {bytes[at]:X2} at {at}"); break;
                case 2:
                    {
                        int v = ExtremeInts[random.Next(ExtremeInts.Length)];
                        var b = BitConverter.GetBytes(random.Next(2) == 0 ? v : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));
                        for (int i = 0; i < 4 && at + i < bytes.Count; i++) bytes[at + i] = b[i];
                        how.Add($"int {v} at {at}");
                        break;
                    }
                case 3: bytes.RemoveRange(at, bytes.Count - at); how.Add($"truncate at {at}"); break;
                case 4: { var g = new byte[1 + random.Next(64)]; random.NextBytes(g); bytes.AddRange(g); how.Add($"append {g.Length} random bytes"); break; }
                case 5: { int n = Math.Min(1 + random.Next(32), bytes.Count - at); bytes.RemoveRange(at, n); how.Add($"delete {n} at {at}"); break; }
                default: { int n = Math.Min(1 + random.Next(32), bytes.Count - at); bytes.InsertRange(at, bytes.GetRange(at, n)); how.Add($"duplicate {n} at {at}"); break; }
            }
        }
        return (bytes.ToArray(), string.Join("; ", how));
    }

    private static readonly string[] JsonTokens =
        ["1e400", "-1", "0", "1e10", "1.5", "\"NaN\"", "\"x\"", "null", "true", "[]", "{}", "2147483648", "-0", "[null]", "[[1,2],[3]]", "\"\"", "9e307"];

    /// <summary>One to three text-level mutations of a JSON model file: a value replaced by a token of another type or size, a character removed or inserted, a field dropped.</summary>
    private static (byte[] Bytes, string How) MutateJson(byte[] valid, Random random)
    {
        var text = Encoding.UTF8.GetString(valid);
        var how = new List<string>();
        int count = 1 + random.Next(3);
        for (int m = 0; m < count; m++)
        {
            switch (random.Next(5))
            {
                case 0:
                case 1:
                    {
                        // Replace one JSON value (a number, string or literal after ':' or ',' or '[') with a hostile token.
                        var starts = Enumerable.Range(1, text.Length - 1).Where(i => text[i - 1] is ':' or ',' or '[' && text[i] is not ('[' or '{')).ToList();
                        if (starts.Count == 0) break;
                        int s = starts[random.Next(starts.Count)];
                        int e = s;
                        if (text[s] == '"') { e = text.IndexOf('"', s + 1) + 1; if (e <= 0) break; }
                        else while (e < text.Length && text[e] is not (',' or ']' or '}')) e++;
                        var token = JsonTokens[random.Next(JsonTokens.Length)];
                        how.Add($"value at {s} -> {token}");
                        text = text[..s] + token + text[e..];
                        break;
                    }
                case 2: { int at = random.Next(text.Length); how.Add($"delete char {at}"); text = text.Remove(at, 1); break; }
                case 3: { int at = random.Next(text.Length); char c = "{}[],:\"0a-e."[random.Next(12)]; how.Add($"insert '{c}' at {at}"); text = text.Insert(at, c.ToString()); break; }
                default:
                    {
                        // Drop one "key": value pair (up to the next comma at the same depth, roughly).
                        int k = text.IndexOf('"', random.Next(text.Length));
                        if (k < 0) break;
                        int end = text.IndexOf(',', k);
                        if (end < 0) break;
                        how.Add($"drop {k}..{end}");
                        text = text.Remove(k, end - k + 1);
                        break;
                    }
            }
        }
        return (Encoding.UTF8.GetBytes(text), string.Join("; ", how));
    }
}
