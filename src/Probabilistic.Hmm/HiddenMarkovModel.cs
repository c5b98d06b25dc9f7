using Probabilistic.Core.Data;
using Probabilistic.Core.Numerics;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm;

/// <summary>How <see cref="HiddenMarkovModel{TEmission, TStats}.Decode"/> picks states.</summary>
public enum DecodeAlgorithm
{
    /// <summary>The single most probable state path (Viterbi, log space, ties to the lowest state index).</summary>
    Viterbi,
    /// <summary>The most probable state at each step on its own (posterior / MAP decoding); the path may be impossible as a whole.</summary>
    Map,
}

/// <summary>A decoded state path with its score.</summary>
/// <param name="States">One state per step.</param>
/// <param name="LogProbability">Viterbi: log p(x, z*); MAP: log p(x).</param>
public sealed record DecodedPath(int[] States, double LogProbability);

/// <summary>
/// A hidden Markov model: initial distribution π, dense transition matrix A (row i = p(next | i)) and an emission
/// family. Immutable: fitting returns a new model. The algorithm core knows nothing of the emission family beyond
/// <see cref="IEmissionModel{TSelf, TStats}"/>.
/// </summary>
/// <remarks>
/// Entries of π and A that are exactly zero are structural: Baum-Welch keeps them zero (left-to-right models).
/// A sequence with probability zero under the model scores −∞ (a defined result); decoding or posteriors of such a
/// sequence, or fitting on it, throw and name the sequence.
/// </remarks>
public sealed partial class HiddenMarkovModel<TEmission, TStats> : IHiddenMarkovModel
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private readonly double[] _start, _transitions, _logStart, _logTransitions;

    /// <summary>A model from π (K), A (K×K row-major) and an emission with K states; checks them all.</summary>
    public HiddenMarkovModel(double[] start, double[] transitions, TEmission emission)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(emission);
        int k = start.Length;
        if (k < 1) throw new ArgumentException("A model needs at least one state.", nameof(start));
        if (transitions.Length != k * k) throw new ArgumentException($"The transition matrix holds {transitions.Length} values; {k} states need {k}×{k}.", nameof(transitions));
        if (emission.StateCount != k) throw new ArgumentException($"The emission has {emission.StateCount} states but the start distribution has {k}.", nameof(emission));
        HmmValidation.CheckStochasticRows(start, 1, k, "start probabilities");
        HmmValidation.CheckStochasticRows(transitions, k, k, "transition matrix");
        emission.Validate();
        _start = (double[])start.Clone();
        _transitions = (double[])transitions.Clone();
        _logStart = _start.Select(v => Math.Log(v)).ToArray();
        _logTransitions = _transitions.Select(v => Math.Log(v)).ToArray();
        Emission = emission;
    }

    /// <summary>Number of hidden states K.</summary>
    public int StateCount => _start.Length;

    /// <summary>The emission model.</summary>
    public TEmission Emission { get; }

    /// <inheritdoc/>
    public int Dimension => Emission.Dimension;

    /// <inheritdoc/>
    public string Family => Emission.Family;

    /// <summary>π, a copy.</summary>
    public double[] Start => (double[])_start.Clone();

    /// <summary>A, K×K row-major, a copy.</summary>
    public double[] Transitions => (double[])_transitions.Clone();

    /// <summary>A as a K×K Math.NET matrix (row i = p(next | i)).</summary>
    public MathNet.Numerics.LinearAlgebra.Matrix<double> TransitionMatrix() =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(StateCount, StateCount, _transitions);

    /// <summary>π as a Math.NET vector.</summary>
    public MathNet.Numerics.LinearAlgebra.Vector<double> StartVector() => MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(Start);

    /// <summary>A[i, j].</summary>
    public double Transition(int from, int to) => _transitions[from * StateCount + to];

    internal ReadOnlySpan<double> StartSpan => _start;
    internal ReadOnlySpan<double> TransitionSpan => _transitions;
    internal ReadOnlySpan<double> LogStartSpan => _logStart;
    internal ReadOnlySpan<double> LogTransitionSpan => _logTransitions;

    /// <summary>The same transitions and start with another emission (e.g. after an M-step).</summary>
    public HiddenMarkovModel<TEmission, TStats> With(double[]? start = null, double[]? transitions = null, TEmission? emission = default)
        => new(start ?? _start, transitions ?? _transitions, emission ?? Emission);

    /// <summary>Total log-likelihood Σ_n log p(x_n) in nats over all sequences (in parallel); −∞ when some sequence is impossible.</summary>
    public double Score(SequenceSet data, int? maxThreads = null) => ScoreEach(data, maxThreads).Sum();

    /// <inheritdoc/>
    public long FreeParameters => StateCount - 1 + (long)StateCount * (StateCount - 1) + Emission.FreeParameters;

    /// <summary>Bayesian information criterion −2 log L + p log N, N the number of observations (hmmlearn's <c>bic</c>).</summary>
    public double Bic(SequenceSet data, int? maxThreads = null) => -2 * Score(data, maxThreads) + FreeParameters * Math.Log(data.TotalLength);

    /// <summary>Akaike information criterion −2 log L + 2p (hmmlearn's <c>aic</c>).</summary>
    public double Aic(SequenceSet data, int? maxThreads = null) => -2 * Score(data, maxThreads) + 2.0 * FreeParameters;

    /// <summary><see cref="Score(SequenceSet, int?)"/> divided by the number of observations (all steps of all sequences).</summary>
    public double ScorePerObservation(SequenceSet data, int? maxThreads = null) => Score(data, maxThreads) / data.TotalLength;

    /// <summary>Saves the model atomically as versioned JSON (kind <c>hmm</c>), with the symbol names of a categorical emission.</summary>
    public void Save(string path) => HmmModelFile.Save(path, this);

    /// <summary>
    /// Loads a model saved by <see cref="Save"/>, refusing wrong, corrupt or inconsistent files, and a file of another emission
    /// family (use <see cref="HmmModelFile.Load"/> for a model of any family).
    /// </summary>
    /// <exception cref="Core.IO.ModelFormatException">The file is not a valid HMM file of this family.</exception>
    public static HiddenMarkovModel<TEmission, TStats> Load(string path, Core.MemoryBudget? budget = null) =>
        HmmModelFile.Load(path, budget) as HiddenMarkovModel<TEmission, TStats>
        ?? throw new Core.IO.ModelFormatException(path, $"holds an HMM of another emission family, not {typeof(TEmission).Name}");

    /// <summary>log p(x_n) for each sequence (−∞ for an impossible one).</summary>
    public double[] ScoreEach(SequenceSet data, int? maxThreads = null)
    {
        CheckData(data);
        var result = new double[data.Count];
        if (SequenceLanes.Use(StateCount))
        {
            var groups = SequenceLanes.Groups(data, 0, data.Count);
            Parallelism.For(groups.Length, Options(maxThreads), () => new SequenceWorkspace(StateCount), (g, ws) =>
            {
                SequenceLanes.Score(this, data, groups[g], ws, result);
                return ws;
            }, _ => { });
            return result;
        }
        Parallelism.For(data.Count, Options(maxThreads), () => new SequenceWorkspace(StateCount), (n, ws) =>
        {
            result[n] = Forward(data.Sequence(n), data.Length(n), ws, _start);
            return ws;
        }, _ => { });
        return result;
    }

    /// <summary>log p(x) of one sequence (T×D values).</summary>
    public double Score(ReadOnlySpan<double> sequence)
    {
        int steps = Steps(sequence);
        Emission.CheckObservations(sequence, steps, "sequence");
        return Forward(sequence, steps, new SequenceWorkspace(StateCount), _start);
    }

    /// <summary>
    /// Filtering from a given prior over the first state: returns log p(x | z_0 ~ <paramref name="initial"/>) and writes
    /// p(z_T−1 | x) into <paramref name="filtered"/>. Chaining chunks with initial = previous filtered · A gives the
    /// log-likelihood of the whole sequence as the sum of the chunks' values.
    /// </summary>
    public double FilterChunk(ReadOnlySpan<double> sequence, ReadOnlySpan<double> initial, Span<double> filtered)
    {
        int steps = Steps(sequence);
        Emission.CheckObservations(sequence, steps, "sequence");
        var ws = new SequenceWorkspace(StateCount);
        double ll = Forward(sequence, steps, ws, initial);
        if (double.IsFinite(ll)) ws.Alpha.AsSpan((steps - 1) * StateCount, StateCount).CopyTo(filtered);
        return ll;
    }

    /// <summary>The most probable state of each step of one sequence, by Viterbi (hmmlearn's <c>predict</c>).</summary>
    public int[] Predict(ReadOnlySpan<double> sequence) => Decode(sequence).States;

    /// <summary>Posterior state probabilities p(z_t = k | x), T×K (hmmlearn's <c>predict_proba</c>).</summary>
    public double[] PredictProba(ReadOnlySpan<double> sequence) => StatePosteriors(sequence).Posteriors;

    /// <summary>The distribution of the next state, p(z_{t+1}) = Σ_i p(z_t = i) A[i, ·].</summary>
    public double[] PredictNextState(ReadOnlySpan<double> distribution)
    {
        var next = new double[StateCount];
        for (int i = 0; i < StateCount; i++) ForwardBackward.Axpy(distribution[i], _transitions.AsSpan(i * StateCount, StateCount), next);
        return next;
    }

    /// <summary>Posterior state marginals p(z_t = k | x) (T×K) and log p(x) of one sequence.</summary>
    public (double[] Posteriors, double LogLikelihood) StatePosteriors(ReadOnlySpan<double> sequence)
    {
        var ws = Smooth(sequence, out int steps, out double ll);
        var gamma = new double[steps * StateCount];
        ForwardBackward.StatePosteriors(ws.Alpha, ws.Beta, steps, StateCount, gamma);
        return (gamma, ll);
    }

    /// <summary>Pairwise posteriors p(z_t = i, z_{t+1} = j | x), (T−1)×K×K.</summary>
    public double[] PairwisePosteriors(ReadOnlySpan<double> sequence)
    {
        var ws = Smooth(sequence, out int steps, out _);
        int k = StateCount;
        var xi = new double[Math.Max(0, steps - 1) * k * k];
        var work = new double[k * k + k];
        for (int t = 0; t + 1 < steps; t++)
            ForwardBackward.AccumulateTransitions(ws.Alpha.AsSpan(t * k, 2 * k), ws.Beta.AsSpan(t * k, 2 * k), ws.Frame.AsSpan(t * k, 2 * k),
                ws.Scale.AsSpan(t, 2), _transitions, 2, k, xi.AsSpan(t * k * k, k * k), work);
        return xi;
    }

    /// <summary>Decodes one sequence by Viterbi or by posterior (MAP) decoding.</summary>
    public DecodedPath Decode(ReadOnlySpan<double> sequence, DecodeAlgorithm algorithm = DecodeAlgorithm.Viterbi)
    {
        int steps = Steps(sequence);
        Emission.CheckObservations(sequence, steps, "sequence");
        var ws = new SequenceWorkspace(StateCount);
        var path = new int[steps];
        double score = algorithm == DecodeAlgorithm.Viterbi ? Viterbi(sequence, steps, ws, path) : MapDecode(sequence, steps, ws, path);
        if (double.IsNegativeInfinity(score))
            throw new InvalidOperationException("The sequence has probability zero under the model (every state path is impossible), so it has no decoding.");
        return new DecodedPath(path, score);
    }

    /// <summary>Decodes every sequence in parallel; one path per sequence.</summary>
    public DecodedPath[] DecodeAll(SequenceSet data, DecodeAlgorithm algorithm = DecodeAlgorithm.Viterbi, int? maxThreads = null)
    {
        CheckData(data);
        var result = new DecodedPath[data.Count];
        if (algorithm == DecodeAlgorithm.Viterbi && SequenceLanes.Use(StateCount))
        {
            var groups = SequenceLanes.Groups(data, 0, data.Count);
            Parallelism.For(groups.Length, Options(maxThreads), () => new SequenceWorkspace(StateCount), (g, ws) =>
            {
                int impossible = SequenceLanes.Viterbi(this, data, groups[g], ws, result);
                if (impossible >= 0) throw ZeroProbability(data, impossible, "it has no decoding");
                return ws;
            }, _ => { });
            return result;
        }
        Parallelism.For(data.Count, Options(maxThreads), () => new SequenceWorkspace(StateCount), (n, ws) =>
        {
            int steps = data.Length(n);
            var path = new int[steps];
            double score = algorithm == DecodeAlgorithm.Viterbi ? Viterbi(data.Sequence(n), steps, ws, path) : MapDecode(data.Sequence(n), steps, ws, path);
            if (double.IsNegativeInfinity(score)) throw ZeroProbability(data, n, "it has no decoding");
            result[n] = new DecodedPath(path, score);
            return ws;
        }, _ => { });
        return result;
    }

    /// <summary>Draws a state path and observations of length <paramref name="steps"/> (T×D values).</summary>
    public (double[] Observations, int[] States) Sample(int steps, int seed)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A sample needs at least one step.");
        var random = Core.Numerics.Rng.Create(seed);
        int d = Emission.Dimension, k = StateCount;
        var x = new double[steps * d];
        var z = new int[steps];
        for (int t = 0; t < steps; t++)
        {
            z[t] = t == 0 ? random.NextCategorical(_start) : random.NextCategorical(_transitions.AsSpan(z[t - 1] * k, k));
            Emission.Sample(z[t], random, x.AsSpan(t * d, d));
        }
        return (x, z);
    }

    internal double Forward(ReadOnlySpan<double> sequence, int steps, SequenceWorkspace ws, ReadOnlySpan<double> start)
    {
        ws.Ensure(steps);
        Emission.LogLikelihoods(sequence, steps, ws.Frame);
        var logStart = start == (ReadOnlySpan<double>)_start ? _logStart : LogOf(start);
        return SequencePasses.Run(start, _transitions, logStart, _logTransitions, ws, steps, backward: false);
    }

    private SequenceWorkspace Smooth(ReadOnlySpan<double> sequence, out int steps, out double ll)
    {
        steps = Steps(sequence);
        Emission.CheckObservations(sequence, steps, "sequence");
        var ws = new SequenceWorkspace(StateCount);
        ws.Ensure(steps);
        Emission.LogLikelihoods(sequence, steps, ws.Frame);
        ll = SequencePasses.Run(_start, _transitions, _logStart, _logTransitions, ws, steps, backward: true);
        if (double.IsNegativeInfinity(ll))
            throw new InvalidOperationException("The sequence has probability zero under the model, so its state posteriors are undefined.");
        return ws;
    }

    internal double Viterbi(ReadOnlySpan<double> sequence, int steps, SequenceWorkspace ws, Span<int> path)
    {
        ws.Ensure(steps, viterbi: true);
        Emission.LogLikelihoods(sequence, steps, ws.Frame);
        return ViterbiKernel.Decode(_logStart, _logTransitions, ws.Frame, steps, StateCount, path, ws.Work, ws.BackPointers);
    }

    private double MapDecode(ReadOnlySpan<double> sequence, int steps, SequenceWorkspace ws, Span<int> path)
    {
        ws.Ensure(steps);
        Emission.LogLikelihoods(sequence, steps, ws.Frame);
        double ll = SequencePasses.Run(_start, _transitions, _logStart, _logTransitions, ws, steps, backward: true);
        if (double.IsNegativeInfinity(ll)) return ll;
        int k = StateCount;
        for (int t = 0; t < steps; t++)
        {
            int best = 0;
            double bestValue = ws.Alpha[t * k] * ws.Beta[t * k];
            for (int j = 1; j < k; j++)
            {
                double v = ws.Alpha[t * k + j] * ws.Beta[t * k + j];
                if (v > bestValue) { bestValue = v; best = j; }
            }
            path[t] = best;
        }
        return ll;
    }

    private int Steps(ReadOnlySpan<double> sequence)
    {
        int d = Emission.Dimension;
        if (sequence.IsEmpty) throw new ArgumentException("The sequence is empty; an HMM sequence needs at least one observation.");
        if (sequence.Length % d != 0) throw new ArgumentException($"The sequence holds {sequence.Length} values, not a multiple of the observation dimension {d}.");
        return sequence.Length / d;
    }

    /// <summary>
    /// Refuses data this model cannot read with a <see cref="DataFormatException"/> naming the source, the line (when the
    /// data came from text) and the sequence and step: another dimension, or an observation the emission refuses.
    /// </summary>
    internal void CheckData(SequenceSet data)
    {
        if (data.Dimension != Emission.Dimension)
            throw new DataFormatException(data.Source ?? "data", null, $"the observations have {data.Dimension} values each but the model expects {Emission.Dimension}");
        for (int n = 0; n < data.Count; n++)
        {
            try { Emission.CheckObservations(data.Sequence(n), data.Length(n), $"sequence {n}"); }
            catch (ArgumentException e)
            {
                // Find the step to name its line (only on this error path).
                int d = Emission.Dimension;
                var seq = data.Sequence(n);
                for (int t = 0; t < data.Length(n); t++)
                {
                    try { Emission.CheckObservations(seq.Slice(t * d, d), 1, $"sequence {n}"); }
                    catch (ArgumentException) { throw new DataFormatException(data.Source ?? "data", data.LineOf(n, t), e.Message, e); }
                }
                throw new DataFormatException(data.Source ?? "data", null, e.Message, e);
            }
        }
    }

    /// <summary>The refusal of a sequence with probability zero under the model (nothing can decode or fit it).</summary>
    internal static DataFormatException ZeroProbability(SequenceSet data, int n, string consequence) => data.ImpossibleSequence(n, consequence);

    internal static ParallelOptions Options(int? maxThreads) => new() { MaxDegreeOfParallelism = maxThreads is > 0 ? maxThreads.Value : Environment.ProcessorCount };

    private static double[] LogOf(ReadOnlySpan<double> p)
    {
        var r = new double[p.Length];
        for (int i = 0; i < p.Length; i++) r[i] = Math.Log(p[i]);
        return r;
    }
}
