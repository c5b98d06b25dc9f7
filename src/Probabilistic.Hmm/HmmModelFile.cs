using Probabilistic.Core.IO;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm;

/// <summary>
/// The JSON payload of an HMM model file (kind "hmm", version 1, or 2 for a tied covariance). Fields not used by a family are null.
/// </summary>
public sealed record HmmFileData
{
    /// <summary>"categorical", "gaussian", "poisson".</summary>
    public required string Emission { get; init; }
    /// <summary>K.</summary>
    public required int States { get; init; }
    /// <summary>D (1 for categorical).</summary>
    public int Dimension { get; init; } = 1;
    /// <summary>π.</summary>
    public required double[] Start { get; init; }
    /// <summary>A, K rows.</summary>
    public required double[][] Transitions { get; init; }
    /// <summary>Categorical: K rows of V probabilities.</summary>
    public double[][]? EmissionProbabilities { get; init; }
    /// <summary>Categorical: the symbol of each index (from the training text), when known.</summary>
    public string[]? Symbols { get; init; }
    /// <summary>Categorical: the Dirichlet pseudo-count.</summary>
    public double Pseudocount { get; init; }
    /// <summary>Gaussian: covariance type.</summary>
    public CovarianceType? CovarianceType { get; init; }
    /// <summary>Gaussian: K rows of D means.</summary>
    public double[][]? Means { get; init; }
    /// <summary>
    /// Gaussian: K covariances, each flattened in the layout of the covariance type (D×D, D or 1 values); tied: one row,
    /// the shared D×D matrix.
    /// </summary>
    public double[][]? Covariances { get; init; }
    /// <summary>Gaussian: covariance regularisation.</summary>
    public double Regularization { get; init; }
    /// <summary>GMM: components per state M (means and covariances then hold K·M rows, component (k, m) at k·M + m).</summary>
    public int? Components { get; init; }
    /// <summary>GMM: K rows of M mixture weights.</summary>
    public double[][]? MixtureWeights { get; init; }
    /// <summary>GMM: Dirichlet pseudo-count on the weights.</summary>
    public double WeightPseudocount { get; init; }
    /// <summary>Poisson: K rows of D rates.</summary>
    public double[][]? Rates { get; init; }
}

/// <summary>Saves and loads HMMs as versioned JSON through Core's <see cref="ModelFile"/>; loading re-checks every parameter.</summary>
public static class HmmModelFile
{
    /// <summary>The model-file kind.</summary>
    public const string Kind = "hmm";

    /// <summary>
    /// The newest format version this build writes and reads. Version 2 added the tied covariance (one shared matrix in
    /// <see cref="HmmFileData.Covariances"/>); only tied models are written as version 2, every other model is still
    /// written as version 1 so that builds that read only version 1 keep reading them and refuse a tied file by its version.
    /// </summary>
    public const int Version = 2;

    /// <summary>The oldest format version this build reads.</summary>
    public const int OldestVersion = 1;

    /// <summary>Saves any of this library's HMMs (atomically); a categorical model's symbol names are kept.</summary>
    public static void Save(string path, IHiddenMarkovModel model)
    {
        var data = ToData(model);
        ModelFile.Save(path, Kind, VersionFor(data), data);
    }

    /// <summary>The version a payload is written as: 2 when it needs the tied covariance, else 1.</summary>
    public static int VersionFor(HmmFileData data) => data.CovarianceType == CovarianceType.Tied ? 2 : 1;

    /// <summary>The payload for a model.</summary>
    public static HmmFileData ToData(IHiddenMarkovModel model)
    {
        int k = model.StateCount;
        var data = new HmmFileData
        {
            Emission = model.Family, States = k, Dimension = model.Dimension, Start = model.Start, Transitions = Rows(model.Transitions, k),
        };
        return model switch
        {
            HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> c => data with
            {
                EmissionProbabilities = Rows(c.Emission.Probabilities, k), Symbols = c.Emission.SymbolNames?.ToArray(), Pseudocount = c.Emission.Pseudocount,
            },
            HiddenMarkovModel<GaussianEmission, GaussianStatistics> g => data with
            {
                CovarianceType = g.Emission.CovarianceType, Means = Rows(g.Emission.Means, k),
                Covariances = Rows(g.Emission.Covariances, g.Emission.CovarianceType == CovarianceType.Tied ? 1 : k),
                Regularization = g.Emission.Regularization,
            },
            HiddenMarkovModel<PoissonEmission, PoissonStatistics> p => data with { Rates = Rows(p.Emission.Rates, k) },
            HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics> m => data with
            {
                Components = m.Emission.ComponentCount, MixtureWeights = Rows(m.Emission.Weights, k), WeightPseudocount = m.Emission.WeightPseudocount,
                CovarianceType = m.Emission.Components.CovarianceType, Means = Rows(m.Emission.Components.Means, k * m.Emission.ComponentCount),
                Covariances = Rows(m.Emission.Components.Covariances, k * m.Emission.ComponentCount), Regularization = m.Emission.Components.Regularization,
            },
            _ => throw new ArgumentException($"Saving '{model.Family}' HMMs is not supported."),
        };
    }

    /// <summary>
    /// Loads a model file of any emission family, refusing (with <see cref="ModelFormatException"/> and the reason) one whose
    /// parameters do not form a valid model; a categorical model carries its symbol names.
    /// </summary>
    public static IHiddenMarkovModel Load(string path, Core.MemoryBudget? budget = null)
    {
        var (data, version) = ModelFile.Load<HmmFileData>(path, Kind, OldestVersion, Version, budget);
        try
        {
            if (version < VersionFor(data))
                throw new ArgumentException($"'covarianceType' is {data.CovarianceType}, which needs format version {VersionFor(data)}, but the file says version {version}.");
            return FromData(data);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
    }

    /// <summary>Builds the model a payload describes; throws <see cref="ArgumentException"/> naming what is inconsistent.</summary>
    public static IHiddenMarkovModel FromData(HmmFileData data)
    {
        int k = data.States;
        if (k < 1) throw new ArgumentException($"'states' is {k}; a model needs at least one state.");
        if (data.Dimension < 1) throw new ArgumentException($"'dimension' is {data.Dimension}; an observation needs at least one value.");
        long perState = data.CovarianceType is CovarianceType.Full or CovarianceType.Tied ? (long)data.Dimension * data.Dimension : data.Dimension;
        if ((long)k * k > Array.MaxLength || (long)k * Math.Max(1, data.Components ?? 1) * perState > Array.MaxLength)
            throw new ArgumentException($"'states' {k}, 'dimension' {data.Dimension} and 'components' {data.Components ?? 1} ask for more values than one array holds.");
        Require(data.Start, "start", k);
        Require(data.Transitions, "transitions", k);
        var start = data.Start;
        var transitions = Flatten(data.Transitions, "transitions", k);
        switch (data.Emission)
        {
            case "categorical":
                {
                    var rows = Require(data.EmissionProbabilities, "emissionProbabilities", k);
                    if (rows[0] is null) throw new ArgumentException("Row 0 of 'emissionProbabilities' is null.");
                    int v = rows[0].Length;
                    if (data.Symbols is { } s)
                    {
                        if (s.Length != v) throw new ArgumentException($"The file names {s.Length} symbols but the emission table has {v} columns.");
                        CheckSymbols(s);
                    }
                    return new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(start, transitions,
                        CategoricalEmission.FromProbabilities(Flatten(rows, "emissionProbabilities", v), k, v, data.Pseudocount).WithSymbolNames(data.Symbols));
                }
            case "gaussian":
                {
                    var type = data.CovarianceType ?? throw new ArgumentException("A Gaussian model file needs 'covarianceType'.");
                    int d = data.Dimension;
                    var means = Flatten(Require(data.Means, "means", k), "means", d);
                    var covs = type == CovarianceType.Tied
                        ? Flatten(RequireTied(data.Covariances), "covariances", d * d)
                        : Flatten(Require(data.Covariances, "covariances", k), "covariances", GaussianEmission.CovarianceLength(type, d));
                    return new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(start, transitions,
                        GaussianEmission.FromParameters(k, d, type, means, covs, data.Regularization));
                }
            case "gmm":
                {
                    var type = data.CovarianceType ?? throw new ArgumentException("A GMM model file needs 'covarianceType'.");
                    if (type == CovarianceType.Tied) throw new NotSupportedException("A GMM-HMM file with 'covarianceType' Tied is not supported (tied covariances exist for Gaussian HMMs only).");
                    int d = data.Dimension, c = data.Components ?? throw new ArgumentException("A GMM model file needs 'components'.");
                    if (c < 1) throw new ArgumentException($"'components' is {c}; a mixture needs at least one.");
                    var means = Flatten(Require(data.Means, "means", k * c), "means", d);
                    var covs = Flatten(Require(data.Covariances, "covariances", k * c), "covariances", GaussianEmission.CovarianceLength(type, d));
                    var weights = Flatten(Require(data.MixtureWeights, "mixtureWeights", k), "mixtureWeights", c);
                    return new HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>(start, transitions,
                        GaussianMixtureEmission.Create(k, c, weights, GaussianEmission.FromParameters(k * c, d, type, means, covs, data.Regularization), data.WeightPseudocount));
                }
            case "poisson":
                return new HiddenMarkovModel<PoissonEmission, PoissonStatistics>(start, transitions,
                    PoissonEmission.FromRates(k, data.Dimension, Flatten(Require(data.Rates, "rates", k), "rates", data.Dimension)));
            default:
                throw new ArgumentException($"Unknown emission family '{data.Emission}' (categorical, gaussian, gmm or poisson).");
        }
    }

    private static T[] Require<T>(T[]? values, string name, int rows)
    {
        if (values is null) throw new ArgumentException($"'{name}' is missing.");
        if (values.Length != rows) throw new ArgumentException($"'{name}' has {values.Length} entries but the model needs {rows} (one per state{(name is "means" or "covariances" ? " or mixture component" : "")}).");
        return values;
    }

    private static double[][] RequireTied(double[][]? values)
    {
        if (values is null) throw new ArgumentException("'covariances' is missing.");
        if (values.Length != 1) throw new ArgumentException($"'covariances' has {values.Length} entries but a tied model has one (the shared D×D matrix).");
        return values;
    }

    private static double[] Flatten(double[][] rows, string name, int width)
    {
        // Check every row before allocating: sizes come from the file and may not match its contents.
        for (int i = 0; i < rows.Length; i++)
            if (rows[i] is null || rows[i].Length != width) throw new ArgumentException($"Row {i} of '{name}' has {rows[i]?.Length ?? 0} values, expected {width}.");
        var flat = new double[(long)rows.Length * width];
        for (int i = 0; i < rows.Length; i++) rows[i].CopyTo(flat, (long)i * width);
        return flat;
    }

    /// <summary>Symbols name the emission columns: each must be a non-empty single token, and no two alike.</summary>
    private static void CheckSymbols(string[] symbols)
    {
        if (ModelFile.NameProblem(symbols, "symbol") is { } problem) throw new ArgumentException(problem + ".");
        for (int i = 0; i < symbols.Length; i++)
            if (symbols[i].Any(char.IsWhiteSpace)) throw new ArgumentException($"symbol {i} ('{symbols[i]}') holds white space; a symbol is one token.");
    }

    private static double[][] Rows(double[] flat, int rows)
    {
        int width = flat.Length / rows;
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * width, width).ToArray()).ToArray();
    }
}
