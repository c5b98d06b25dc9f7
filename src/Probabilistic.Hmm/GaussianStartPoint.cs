using System.Text.Json;
using Probabilistic.Core.Data;
using Probabilistic.Core.IO;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm;

/// <summary>
/// A Gaussian-HMM start point as the peer scripts write it (<c>G?.init.json</c>):
/// <c>{"start": [K], "transitions": [K][K], "means": [K][D], "covariances": [K][D][D] | [K][D] | [K]}</c>.
/// </summary>
public sealed record GaussianStartPoint(double[] Start, double[][] Transitions, double[][] Means, JsonElement Covariances)
{
    /// <summary>Reads a start point, naming the file on error.</summary>
    public static GaussianStartPoint Read(string path, Core.MemoryBudget? budget = null) => ModelFile.ReadJson<GaussianStartPoint>(path, budget);

    /// <summary>
    /// The model this start point describes with covariances of <paramref name="type"/>: a full matrix is reduced to
    /// its diagonal (or the mean of its diagonal) for the diagonal and spherical types; for the tied type the K
    /// matrices are averaged into the one shared matrix (exact when the file repeats one matrix, as hmmlearn's tied
    /// <c>covars_</c> expanded per state does).
    /// </summary>
    public HiddenMarkovModel<GaussianEmission, GaussianStatistics> ToModel(CovarianceType type, double regularization = 0, string name = "start point")
    {
        int k = Start?.Length ?? 0;
        if (k == 0 || Transitions is null || Means is null || Transitions.Length != k || Means.Length != k)
            throw new DataFormatException(name, null, $"needs 'start' [K], 'transitions' [K][K] and 'means' [K][D] with the same K (start has {k})");
        if (Means.Any(m => m is null) || Transitions.Any(r => r is null))
            throw new DataFormatException(name, null, "'means' and 'transitions' rows must not be null");
        int d = Means[0].Length;
        if (d == 0) throw new DataFormatException(name, null, "'means' rows are empty (dimension 0)");
        if (Means.Any(m => m.Length != d) || Transitions.Any(r => r.Length != k))
            throw new DataFormatException(name, null, "'means' rows must share one length D and 'transitions' must be K×K");
        if ((long)k * d * d > Array.MaxLength) throw new DataFormatException(name, null, $"{k} states in {d} dimensions need more covariance values than one array holds");
        var full = new double[k * d * d];
        if (Covariances.ValueKind != JsonValueKind.Array || Covariances.GetArrayLength() != k)
            throw new DataFormatException(name, null, $"'covariances' must be an array of {k} entries");
        try { ReadCovariances(full, k, d, name); }
        catch (InvalidOperationException e) { throw new DataFormatException(name, null, $"'covariances' holds a value that is not a number: {e.Message}", e); }
        catch (FormatException e) { throw new DataFormatException(name, null, $"'covariances' holds a number out of range: {e.Message}", e); }
        return Build(full, k, d, type, regularization, name);
    }

    private void ReadCovariances(double[] full, int k, int d, string name)
    {
        int s = 0;
        foreach (var c in Covariances.EnumerateArray())
        {
            if (c.ValueKind == JsonValueKind.Number) { for (int i = 0; i < d; i++) full[s * d * d + i * d + i] = c.GetDouble(); }
            else
            {
                var rows = c.EnumerateArray().ToArray();
                if (rows.Length != d) throw new DataFormatException(name, null, $"covariance {s} has {rows.Length} rows, expected {d}");
                for (int i = 0; i < d; i++)
                {
                    if (rows[i].ValueKind == JsonValueKind.Number) full[s * d * d + i * d + i] = rows[i].GetDouble();
                    else
                    {
                        var row = rows[i].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                        if (row.Length != d) throw new DataFormatException(name, null, $"covariance {s} row {i} has {row.Length} values, expected {d}");
                        row.CopyTo(full, s * d * d + i * d);
                    }
                }
            }
            s++;
        }
    }

    private HiddenMarkovModel<GaussianEmission, GaussianStatistics> Build(double[] full, int k, int d, CovarianceType type, double regularization, string name)
    {
        var cov = new double[GaussianEmission.CovarianceArrayLength(type, k, d)];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < d; i++)
            {
                double diag = full[j * d * d + i * d + i];
                switch (type)
                {
                    case CovarianceType.Full: for (int m = 0; m < d; m++) cov[j * d * d + i * d + m] = full[j * d * d + i * d + m]; break;
                    case CovarianceType.Diagonal: cov[j * d + i] = diag; break;
                    case CovarianceType.Tied: for (int m = 0; m < d; m++) cov[i * d + m] += full[j * d * d + i * d + m] / k; break;
                    default: cov[j] += diag / d; break;
                }
            }
        try
        {
            return new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(Start!, Transitions.SelectMany(r => r).ToArray(),
                GaussianEmission.FromParameters(k, d, type, Means.SelectMany(m => m).ToArray(), cov, regularization));
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(name, null, e.Message, e);
        }
    }
}
