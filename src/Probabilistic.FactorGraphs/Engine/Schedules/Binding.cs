namespace Probabilistic.FactorGraphs.Engine;

/// <summary>Bind time, shared by both schedules: sizes, observed values, marginals, messages, gate instances.</summary>
internal static class Binding
{
    /// <summary>Reads observed values and range sizes and allocates every node, port and gate group; returns the number of observed values.</summary>
    internal static long Bind(CompiledModel model)
    {
        long observed = 0;
        foreach (var s in model.Spaces.Values) s.Bind();
        foreach (var v in model.Variables)
        {
            if (v is ObservedNode o) { o.Bind(); observed += o.Count; }
            else v.Count = v.Space.Count;
        }
        foreach (var v in model.Variables) v.Allocate();
        foreach (var f in model.Factors) f.Allocate();
        CycleCheck.CheckElements(model, model.Cyclic);
        foreach (var g in model.RootGroups) g.Allocate();
        foreach (var f in model.Factors) f.Prepare();
        return Math.Max(1, observed);
    }

    /// <summary>The initial marginals given for a variable: InitialiseTo's distribution(s), or the observed value of the variable it named.</summary>
    internal static object? Initialiser(VarNode v)
    {
        var source = v.Source;
        if (source.Initialiser is { } init) return init;
        if (source.InitialiserVariable is not { } iv) return null;
        return ModelCompiler.Resolve(iv).Base.ObservedObject
            ?? throw new InvalidOperationException($"'{v.Name}' is initialised to '{iv.Name}', which has no observed value; set {iv.Name}.ObservedValue before inference.");
    }
}
