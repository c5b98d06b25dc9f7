using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models;

/// <summary>
/// One gate the factor sits in: the selector, the case value (−1: a Switch, expanded per value), and the enclosing gate
/// (null at the top level). A factor inside nested gates is switched on by the product of their indicators (Minka &amp;
/// Winn, "Gates", 2008).
/// </summary>
internal sealed record GateFrame(Variable Selector, int CaseValue, int Depth, GateFrame? Parent = null)
{
    /// <summary>True for the frame the compiler makes for one case of a Switch block (the block's own frame has CaseValue −1).</summary>
    internal bool IsSwitchCase { get; init; }

    /// <summary>The enclosing gates and this one, outermost first.</summary>
    internal GateFrame[] Chain
    {
        get
        {
            var chain = new GateFrame[Depth];
            int k = Depth;
            for (var f = this; f is not null && k > 0; f = f.Parent) chain[--k] = f;
            return chain;
        }
    }
}

/// <summary>A factor as the modelling API records it, before compilation.</summary>
internal sealed class FactorSpec
{
    private static int _nextId;
    internal int Id { get; } = Interlocked.Increment(ref _nextId);
    internal FactorDefinition Definition { get; }
    internal Variable? Output { get; }
    internal Variable[] Args { get; }
    internal object? Parameter { get; }
    internal List<Range> Plates { get; }
    internal GateFrame? Gate { get; }

    internal FactorSpec(FactorDefinition definition, Variable? output, Variable[] args, object? parameter)
    {
        Definition = definition;
        Output = output;
        // inside Variable.Repeat, variables created outside the block are read through a powered copy (RepeatBlock.cs)
        Args = RepeatFrame.EnterArguments(definition, args);
        Parameter = parameter;
        Plates = [.. ModelStack.Ranges];
        // An argument indexed by a range (x[j]) or an implicit array over one replicates the factor over it, as in Infer.NET.
        foreach (var a in args)
        {
            if (a.IsElement) AddIndexRanges(a, Plates);
            else if (a.Alias is null && !a.IsObserved)
                foreach (var p in a.Plates) if (!Plates.Contains(p)) Plates.Add(p);
        }
        Gate = ModelStack.CurrentGate;
        Variable.Register(this);
    }

    /// <summary>The ranges an element is indexed by, through every level of a jagged array and its index variables.</summary>
    internal static void AddIndexRanges(Variable element, List<Range> plates)
    {
        var chain = new List<Variable>();
        for (var v = element; v is not null; v = v.ArrayParent) chain.Insert(0, v);
        foreach (var v in chain)
        {
            if (v.IndexRange is { } r && !plates.Contains(r)) plates.Add(r);
            if (v.IndexVariable is { IsElement: true } iv) AddIndexRanges(iv, plates);
        }
    }

    internal IEnumerable<Variable> AllVariables => Output is null ? Args : Args.Prepend(Output);

    internal string Describe() => Parameter is ITypedParameter typed ? typed.Describe() : Definition.Name;
}

/// <summary>The ambient stacks of <c>using (Variable.ForEach(r))</c> and <c>using (Variable.If(c))</c> blocks, per thread.</summary>
internal static class ModelStack
{
    [ThreadStatic] private static List<object>? _frames;

    private static List<object> Frames => _frames ??= [];

    internal static IEnumerable<Range> Ranges => Frames.OfType<Range>();

    internal static GateFrame? CurrentGate => Frames.OfType<GateFrame>().LastOrDefault();

    internal static IEnumerable<RepeatFrame> Repeats => Frames.OfType<RepeatFrame>();

    internal static void Push(object frame) => Frames.Add(frame);

    internal static void Pop(object frame)
    {
        if (Frames.Count == 0 || !ReferenceEquals(Frames[^1], frame))
            throw new InvalidOperationException("Model blocks (ForEach/If/Case/Switch) must be closed in the reverse order they were opened.");
        Frames.RemoveAt(Frames.Count - 1);
    }

    internal static int Depth => Frames.OfType<GateFrame>().Count();

    /// <summary>Runs <paramref name="make"/> outside every open block (for variables that belong to no gate or plate of the caller's).</summary>
    internal static T Outside<T>(Func<T> make)
    {
        var saved = _frames;
        _frames = [];
        try { return make(); }
        finally { _frames = saved; }
    }
}

/// <summary>A <c>using</c> block: <c>Variable.ForEach</c>, <c>If</c>, <c>IfNot</c>, <c>Case</c>, <c>Switch</c>.</summary>
public sealed partial class ModelBlock : IDisposable
{
    private readonly object _frame;
    private bool _closed;

    internal ModelBlock(object frame) { _frame = frame; ModelStack.Push(frame); }

    /// <summary>The range of a ForEach block.</summary>
    public Range? Range => _frame as Range;

    /// <summary>Closes the block.</summary>
    public void CloseBlock()
    {
        if (_closed) return;
        _closed = true;
        ModelStack.Pop(_frame);
    }

    /// <inheritdoc/>
    public void Dispose() => CloseBlock();
}
