using Probabilistic.Core.Inference;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models;

/// <summary>
/// Runs inference on the model reachable from a variable, as Infer.NET's engine does, without a code-generation step:
/// the model is compiled to a factor graph with plates once per structure and re-run when observed values change.
/// </summary>
/// <example>
/// <code>
/// var data = new[] { 4.8, 5.3, 5.1, 4.6, 5.5 };
/// var mean = Variable.GaussianFromMeanAndVariance(0, 100);
/// var n = new Range(data.Length);
/// var x = Variable.Array&lt;double&gt;(n);
/// x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);
/// x.ObservedValue = data;
/// var engine = new InferenceEngine();                 // expectation propagation by default
/// Gaussian posterior = engine.Infer&lt;Gaussian&gt;(mean);
/// double logEvidence = engine.LastTrace!.FinalElbo;
/// </code>
/// </example>
public sealed class InferenceEngine
{
    private readonly List<State> _cache = [];

    /// <summary>An engine using expectation propagation.</summary>
    public InferenceEngine() : this(new ExpectationPropagation()) { }

    /// <summary>An engine using <paramref name="algorithm"/>.</summary>
    public InferenceEngine(IAlgorithm algorithm) { Algorithm = algorithm ?? throw new ArgumentNullException(nameof(algorithm)); }

    /// <summary>The inference algorithm.</summary>
    public IAlgorithm Algorithm { get; set; }

    /// <summary>Sweeps of the schedule per inference (Infer.NET's default is 50).</summary>
    public int NumberOfIterations { get; set; } = 50;

    /// <summary>Stop early when the log evidence / ELBO changes by less than this (relative, per observation); 0 runs every sweep.</summary>
    public double Tolerance { get; set; }

    /// <summary>Accepted for compatibility; progress goes to <see cref="LastTrace"/>.</summary>
    public bool ShowProgress { get; set; }

    /// <summary>Accepted for compatibility (there is no factor-graph viewer).</summary>
    public bool ShowFactorGraph { get; set; }

    /// <summary>The ELBO (VMP) or log-evidence estimate (EP) per sweep of the last run.</summary>
    public ElboTrace? LastTrace { get; private set; }

    /// <summary>Receives every sweep of a run (the project's progress convention, as every family's <c>FitOptions.Progress</c>).</summary>
    public IProgress<ElboStep>? Progress { get; set; }

    /// <summary>Raised after every sweep of a run, as Infer.NET's <c>engine.ProgressChanged</c>.</summary>
    public event EventHandler<InferenceProgressEventArgs>? ProgressChanged;

    /// <summary>The marginal of <paramref name="variable"/> (a distribution, or an array of them for an array).</summary>
    public object Infer(Variable variable) => Infer(variable, CancellationToken.None);

    /// <summary>
    /// The marginal of <paramref name="variable"/>, the sweeps cancellable by <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token fired during the run; the next call starts it again.</exception>
    public object Infer(Variable variable, CancellationToken cancellationToken)
    {
        var (state, node) = Run(variable, cancellationToken);
        var result = Marginal(state, node, variable, wantArray: node.Space.Rank > 0);
        return result is Array a ? Wrap(a) : result;
    }

    private static object Wrap(Array a)
    {
        var element = a.GetType().GetElementType()!;
        if (a.Rank == 1 && element.IsArray)
        {
            // jagged: an array of DistributionArrays, printed "[i] [j] ..."
            var rows = a.Cast<Array>().Select(Wrap).ToArray();
            var rowType = typeof(DistributionArray<>).MakeGenericType(element.GetElementType()!);
            var typed = Array.CreateInstance(rowType, rows.Length);
            for (int i = 0; i < rows.Length; i++) typed.SetValue(rows[i], i);
            return Activator.CreateInstance(typeof(DistributionArray<>).MakeGenericType(rowType), typed)!;
        }
        if (a.Rank != 1) return a;
        return Activator.CreateInstance(typeof(DistributionArray<>).MakeGenericType(element), a)!;
    }

    /// <summary>The marginal of <paramref name="variable"/> as <typeparamref name="T"/> (e.g. Gaussian, Beta[], IList&lt;Gamma&gt;).</summary>
    public T Infer<T>(Variable variable) => Infer<T>(variable, CancellationToken.None);

    /// <summary>The marginal of <paramref name="variable"/> as <typeparamref name="T"/>, the sweeps cancellable.</summary>
    /// <exception cref="OperationCanceledException">The token fired during the run; the next call starts it again.</exception>
    public T Infer<T>(Variable variable, CancellationToken cancellationToken)
    {
        var (state, node) = Run(variable, cancellationToken);
        bool wantArray = typeof(T).IsArray || (typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() is var g
            && (g == typeof(IList<>) || g == typeof(IReadOnlyList<>) || g == typeof(IEnumerable<>) || g == typeof(DistributionArray<>)));
        var result = Marginal(state, node, variable, wantArray);
        if (result is T t) return t;
        if (result is Array a && Wrap(a) is T w) return w;
        if (result is Array flat && flat.Rank == 1 && typeof(T).IsArray)
            throw new InvalidOperationException($"The marginal of '{variable.Name}' is an array over {node.Space} ({result.GetType().Name}), not {typeof(T).Name}.");
        throw new InvalidOperationException($"The marginal of '{variable.Name}' is {result.GetType().Name}, not {typeof(T).Name}.");
    }

    /// <summary>Runs inference for the model of <paramref name="variable"/> and returns the per-sweep trace.</summary>
    public ElboTrace Fit(Variable variable) => Fit(variable, CancellationToken.None);

    /// <summary>Runs inference for the model of <paramref name="variable"/>, cancellable, and returns the per-sweep trace.</summary>
    /// <exception cref="OperationCanceledException">The token fired during the run.</exception>
    public ElboTrace Fit(Variable variable, CancellationToken cancellationToken)
    {
        Run(variable, cancellationToken);
        return LastTrace!;
    }

    private sealed class State
    {
        internal required CompiledModel Model { get; init; }
        internal required IElboOptimizer Runner { get; init; }
        internal required Action Bind { get; init; }
        internal Action? Finish { get; init; }
        internal long ObservationVersion { get; set; } = -1;
        internal int Iterations { get; set; }
        internal double Tolerance { get; set; }
        internal ElboTrace? Trace { get; set; }
    }

    private (State, VarNode) Run(Variable variable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (Algorithm is not (ExpectationPropagation or VariationalMessagePassing))
            throw new NotSupportedException($"Algorithm {Algorithm.GetType().Name} is not supported; use ExpectationPropagation or VariationalMessagePassing.");
        if (NumberOfIterations < 1) throw new ArgumentOutOfRangeException(nameof(NumberOfIterations), NumberOfIterations, "NumberOfIterations must be at least 1.");
        bool vmp = Algorithm is VariationalMessagePassing;
        bool forceProper = Algorithm is ExpectationPropagation { ForceProperMessages: true };
        var b = ModelCompiler.Resolve(variable).Base;
        var state = _cache.FirstOrDefault(s => s.Model.Vmp == vmp && s.Model.ForceProper == forceProper && s.Model.ModelVersion == Variable.ModelVersion && s.Model.NodeOf.ContainsKey(b));
        if (state is null)
        {
            _cache.RemoveAll(s => s.Model.ModelVersion != Variable.ModelVersion);
            var model = ModelCompiler.Compile(variable, vmp, forceProper);
            if (vmp)
            {
                var schedule = new VmpSchedule(model);
                state = new State { Model = model, Runner = schedule, Bind = schedule.Bind, Finish = schedule.Finish };
            }
            else
            {
                var schedule = new EpSchedule(model);
                state = new State { Model = model, Runner = schedule, Bind = schedule.Bind };
            }
            _cache.Add(state);
        }
        long obsVersion = Variable.ObservationVersion;
        if (state.ObservationVersion != obsVersion || state.Iterations != NumberOfIterations || state.Tolerance != Tolerance)
        {
            state.ObservationVersion = -1;   // until this run completes
            state.Bind();
            var progress = Progress is null && ProgressChanged is null ? null : new StepReporter(this);
            state.Trace = ElboDriver.Fit(state.Runner, new FitOptions(MaxIterations: NumberOfIterations, Tolerance: Tolerance, Seed: 0, Progress: progress), cancellationToken);
            // a sweep stopped half way leaves messages half updated: no answer is returned from it
            if (state.Trace.StopReason == StopReason.Cancelled) throw new OperationCanceledException("Inference was cancelled; run it again for an answer.", cancellationToken);
            state.Finish?.Invoke();
            state.ObservationVersion = obsVersion;
            state.Iterations = NumberOfIterations;
            state.Tolerance = Tolerance;
        }
        LastTrace = state.Trace;
        return (state, state.Model.NodeOf[b]);
    }

    private sealed class StepReporter(InferenceEngine engine) : IProgress<ElboStep>
    {
        public void Report(ElboStep value)
        {
            engine.Progress?.Report(value);
            engine.ProgressChanged?.Invoke(engine, new InferenceProgressEventArgs(value.Iteration - 1, value.Elbo));
        }
    }

    private static object Marginal(State state, VarNode node, Variable variable, bool wantArray)
    {
        int? element = ModelCompiler.ConstantElement(state.Model, variable);
        var array = node is ObservedNode o ? PointMasses(o) : node.MarginalsCopy();
        if (element is int e) return array.GetValue(e)!;
        if (wantArray) return Shape(array, node, variable);
        if (array.Length != 1) throw new InvalidOperationException($"'{variable.Name}' is an array of {array.Length}; infer it as an array type (e.g. Gaussian[]).");
        return array.GetValue(0)!;
    }

    /// <summary>Per-element marginals in the variable's own shape: T[] for one range, T[][] for jagged, T[,] for 2-D.</summary>
    private static Array Shape(Array flat, VarNode node, Variable variable)
    {
        var space = node.Space;
        if (space.Rank <= 1) return flat;
        if (space.Rank > 2) throw new NotSupportedException($"Inferring '{variable.Name}' over {space.Rank} ranges is not supported; flatten it to two.");
        var type = flat.GetType().GetElementType()!;
        var b = ModelCompiler.Resolve(variable).Base;
        int rows = space.RowCount;
        if (b.ValueType.IsArray && b.ValueType.GetArrayRank() == 2)
        {
            int cols = rows == 0 ? 0 : space.RowLength(0);
            var grid = Array.CreateInstance(type, rows, cols);
            for (int i = 0, e = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) grid.SetValue(flat.GetValue(e++), i, j);
            return grid;
        }
        var jagged = Array.CreateInstance(type.MakeArrayType(), rows);
        for (int i = 0, e = 0; i < rows; i++)
        {
            var row = Array.CreateInstance(type, space.RowLength(i));
            Array.Copy(flat, e, row, 0, row.Length);
            e += row.Length;
            jagged.SetValue(row, i);
        }
        return jagged;
    }

    private static Array PointMasses(ObservedNode o)
    {
        // a point-mass prior compiled as a constant: its marginal is that point mass, in every element
        if (o.Constant is { } constant) return ObservedValues.Fill(constant, o.Count);
        int dimension = o.Ints is { Length: > 0 } ks ? ks.Max() + 1 : 1;
        return ObservedValues.AsPointMasses(o.Values, dimension)
            ?? throw new NotSupportedException($"Cannot report the observed value of '{o.Name}' as a distribution.");
    }
}

/// <summary>One finished sweep of an inference run (Infer.NET's <c>InferenceProgressEventArgs</c>).</summary>
/// <param name="Iteration">0 for the first sweep, as Infer.NET counts.</param>
/// <param name="Elbo">The sweep's ELBO (VMP) or log-evidence estimate (EP), in nats.</param>
public sealed record InferenceProgressEventArgs(int Iteration, double Elbo);
