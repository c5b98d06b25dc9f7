namespace Probabilistic.FactorGraphs.Models;

/// <summary>
/// A random variable in a model (the untyped base of <see cref="Variable{T}"/>). The static members build models:
/// <c>Variable.GaussianFromMeanAndVariance(0, 1)</c>, <c>Variable.Array&lt;double&gt;(range)</c>,
/// <c>using (Variable.ForEach(range))</c>, <c>using (Variable.If(c))</c>, as in Infer.NET.
/// </summary>
public abstract partial class Variable
{
    private static int _nextId;
    private static long _modelVersion;
    private static long _observationVersion;

    /// <summary>Changes whenever any observed value is set: inference is re-run only then.</summary>
    internal static long ObservationVersion => Interlocked.Read(ref _observationVersion);

    internal static void ObservationChanged() => Interlocked.Increment(ref _observationVersion);

    internal int Id { get; } = Interlocked.Increment(ref _nextId);

    /// <summary>The name shown in messages and results.</summary>
    public string Name { get; private protected set; }

    internal List<Range> Plates { get; } = [.. ModelStack.Ranges];
    internal GateFrame? CreatedInGate { get; } = ModelStack.CurrentGate;
    internal List<FactorSpec> Factors { get; } = [];
    internal List<Variable> Links { get; } = [];
    internal Variable? Alias { get; private set; }
    internal Variable? ArrayParent { get; private protected init; }
    internal Range? IndexRange { get; private protected init; }
    internal Variable? IndexVariable { get; private protected init; }
    internal object? Initialiser { get; private protected set; }

    /// <summary>A variable whose observed value (a distribution, or an array of them) gives the initial marginals.</summary>
    internal Variable? InitialiserVariable { get; private protected set; }

    /// <summary>Changes whenever a factor is added anywhere: compiled graphs are rebuilt only then.</summary>
    internal static long ModelVersion => Interlocked.Read(ref _modelVersion);

    private protected Variable() { Name = "v" + Id; }

    /// <summary>True when an observed value is set.</summary>
    public abstract bool IsObserved { get; }

    internal abstract object? ObservedObject { get; }

    internal abstract Type ValueType { get; }

    internal bool IsElement => ArrayParent is not null;

    internal static void Register(FactorSpec spec)
    {
        foreach (var v in spec.AllVariables) v.Factors.Add(spec);
        // so that inference on a selector reaches the factors it gates (every enclosing gate's selector)
        for (var g = spec.Gate; g is not null; g = g.Parent) g.Selector.Factors.Add(spec);
        Interlocked.Increment(ref _modelVersion);
    }

    /// <summary>Observing or un-observing a variable changes which nodes are random: the model is recompiled.</summary>
    internal static void ModelChanged() => Interlocked.Increment(ref _modelVersion);

    internal void SetAlias(Variable target)
    {
        if (ReferenceEquals(target, this)) return;
        if (Alias is not null && !ReferenceEquals(Alias, target))
            throw new InvalidOperationException($"Variable '{Name}' is already assigned to '{Alias.Name}'; a variable can be assigned to one array element only.");
        Alias = target;
        Links.Add(target);
        target.Links.Add(this);
        Interlocked.Increment(ref _modelVersion);
        OnAliased(target);
    }

    /// <summary>Called once this variable is assigned to <paramref name="target"/> (an array passes it to its implicit rows).</summary>
    private protected virtual void OnAliased(Variable target) { }

    internal void LinkElement(Variable element)
    {
        Links.Add(element);
        element.Links.Add(this);
    }

    /// <summary>Replicates the variable and its defining factor over <paramref name="range"/> (used as <c>Variable.Bernoulli(p).ForEach(i)</c>).</summary>
    private protected void AddPlate(Range range)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (Plates.Contains(range)) return;
        Plates.Add(range);
        foreach (var spec in Factors)
            if (ReferenceEquals(spec.Output, this) && !spec.Plates.Contains(range))
                spec.Plates.Add(range);
        Interlocked.Increment(ref _modelVersion);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
