using System.Runtime.CompilerServices;
using Probabilistic.Core.Numerics;
namespace Probabilistic.Hmm.Emissions;

/// <summary>Counts of each symbol under each state, weighted by state posteriors.</summary>
public sealed class CategoricalStatistics(int states, int symbols)
{
    /// <summary>Expected counts, symbol-major V×K (entry v·K + k), so one observation touches one contiguous row.</summary>
    public double[] Counts { get; } = new double[states * symbols];
}

/// <summary>
/// Discrete symbols 0..V−1 with a probability table per state (hmmlearn's CategoricalHMM emission). A Dirichlet
/// prior adds <see cref="Pseudocount"/> to every allowed count; entries that are exactly zero stay zero.
/// </summary>
public sealed class CategoricalEmission : IEmissionModel<CategoricalEmission, CategoricalStatistics>
{
    private readonly double[] _probabilities;
    private readonly double[] _logBySymbol; // V×K: log p(v | k) at v·K + k, one contiguous row per observation

    private CategoricalEmission(double[] probabilities, int states, int symbols, double pseudocount, string[]? names = null)
    {
        if (names is not null && names.Length != symbols)
            throw new ArgumentException($"{names.Length} symbol names given for {symbols} symbols.", nameof(names));
        _probabilities = probabilities;
        SymbolNames = names;
        StateCount = states;
        SymbolCount = symbols;
        Pseudocount = pseudocount;
        Validate();
        _logBySymbol = new double[states * symbols];
        for (int k = 0; k < states; k++)
            for (int v = 0; v < symbols; v++) _logBySymbol[v * states + k] = Math.Log(probabilities[k * symbols + v]);
    }

    /// <summary>From a K×V table whose rows sum to 1; <paramref name="pseudocount"/> is the Dirichlet prior's added count.</summary>
    public static CategoricalEmission FromProbabilities(double[,] probabilities, double pseudocount = 0)
    {
        int k = probabilities.GetLength(0), v = probabilities.GetLength(1);
        var flat = new double[k * v];
        for (int i = 0; i < k; i++) for (int j = 0; j < v; j++) flat[i * v + j] = probabilities[i, j];
        return new CategoricalEmission(flat, k, v, pseudocount);
    }

    /// <summary>From a flat K×V row-major table.</summary>
    public static CategoricalEmission FromProbabilities(double[] probabilities, int states, int symbols, double pseudocount = 0)
        => new((double[])probabilities.Clone(), states, symbols, pseudocount);

    /// <summary>Random rows drawn from a flat Dirichlet, seeded (a Baum-Welch start point).</summary>
    public static CategoricalEmission Random(int states, int symbols, int seed, double pseudocount = 0)
    {
        var rng = Core.Numerics.Rng.Create(seed);
        var p = new double[states * symbols];
        for (int k = 0; k < states; k++)
        {
            double sum = 0;
            for (int v = 0; v < symbols; v++) sum += p[k * symbols + v] = rng.NextGamma(1.0);
            for (int v = 0; v < symbols; v++) p[k * symbols + v] /= sum;
        }
        return new CategoricalEmission(p, states, symbols, pseudocount);
    }

    /// <summary>The same probabilities with names for the symbols (the words of a text file), which model files keep.</summary>
    public CategoricalEmission WithSymbolNames(IReadOnlyList<string>? names) =>
        new(_probabilities, StateCount, SymbolCount, Pseudocount, names?.ToArray());

    /// <summary>The symbol each index stands for, when the model was fitted on text; null for integer codes.</summary>
    public IReadOnlyList<string>? SymbolNames { get; }

    /// <inheritdoc/>
    public int StateCount { get; }

    /// <summary>Vocabulary size V.</summary>
    public int SymbolCount { get; }

    /// <summary>Dirichlet pseudo-count added to each allowed (non-zero) entry in the M-step.</summary>
    public double Pseudocount { get; }

    /// <inheritdoc/>
    public int Dimension => 1;

    /// <inheritdoc/>
    public string Family => "categorical";

    /// <inheritdoc/>
    public long ParameterCount => 2L * StateCount * SymbolCount;

    /// <inheritdoc/>
    public long FreeParameters => (long)StateCount * (SymbolCount - 1);

    /// <summary>p(symbol v | state k).</summary>
    public double Probability(int state, int symbol) => _probabilities[state * SymbolCount + symbol];

    /// <summary>A copy of the K×V table, row-major.</summary>
    public double[] Probabilities => (double[])_probabilities.Clone();

    /// <inheritdoc/>
    public void Validate()
    {
        if (StateCount < 1 || SymbolCount < 1) throw new ArgumentException($"A categorical emission needs at least one state and one symbol (got {StateCount}×{SymbolCount}).");
        if (_probabilities.Length != StateCount * SymbolCount) throw new ArgumentException($"The emission table holds {_probabilities.Length} values, not {StateCount}×{SymbolCount}.");
        if (!(Pseudocount >= 0) || double.IsInfinity(Pseudocount)) throw new ArgumentException($"The emission pseudocount must be finite and >= 0 (got {Pseudocount}).");
        HmmValidation.CheckStochasticRows(_probabilities, StateCount, SymbolCount, "emission probabilities");
    }

    /// <inheritdoc/>
    public void CheckObservations(ReadOnlySpan<double> observations, int steps, string where)
    {
        for (int t = 0; t < steps; t++)
        {
            double x = observations[t];
            if (!(x >= 0 && x < SymbolCount) || x != Math.Floor(x))
                throw new ArgumentException($"{where}, step {t}: symbol {x} is not one of the {SymbolCount} symbols 0..{SymbolCount - 1} the model knows (a symbol never seen in training has no emission probability; map it to an <UNK> symbol).");
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb)
    {
        int k = StateCount;
        for (int t = 0; t < steps; t++)
            _logBySymbol.AsSpan((int)observations[t] * k, k).CopyTo(logProb.Slice(t * k, k));
    }

    /// <inheritdoc/>
    public CategoricalStatistics CreateStatistics() => new(StateCount, SymbolCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(CategoricalStatistics stats, ReadOnlySpan<double> observations, int steps, ReadOnlySpan<double> posteriors)
    {
        int k = StateCount;
        var counts = stats.Counts;
        for (int t = 0; t < steps; t++)
            System.Numerics.Tensors.TensorPrimitives.Add(counts.AsSpan((int)observations[t] * k, k), posteriors.Slice(t * k, k), counts.AsSpan((int)observations[t] * k, k));
    }

    /// <inheritdoc/>
    public void Merge(CategoricalStatistics into, CategoricalStatistics from)
    {
        for (int i = 0; i < into.Counts.Length; i++) into.Counts[i] += from.Counts[i];
    }

    /// <inheritdoc/>
    public CategoricalEmission Maximize(CategoricalStatistics stats)
    {
        int k = StateCount, v = SymbolCount;
        var stateMajor = new double[k * v];
        for (int x = 0; x < v; x++)
            for (int s = 0; s < k; s++) stateMajor[s * v + x] = stats.Counts[x * k + s];
        var p = HmmValidation.NormalizeCounts(stateMajor, _probabilities, k, v, Pseudocount);
        return new CategoricalEmission(p, StateCount, SymbolCount, Pseudocount, SymbolNames as string[]);
    }

    /// <inheritdoc/>
    public double LogPrior() => HmmValidation.DirichletLogPrior(_probabilities, Pseudocount);

    /// <inheritdoc/>
    public void Sample(int state, Random random, Span<double> observation)
        => observation[0] = Core.Numerics.Rng.NextCategorical(random, _probabilities.AsSpan(state * SymbolCount, SymbolCount));
}
