using System.Runtime.CompilerServices;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>A factor's connection to a variable, seen without its distribution type.</summary>
internal interface IPort
{
    VarNode Node { get; }
    FactorNode Factor { get; }
    bool IsObserved { get; }
    bool IsOutput { get; }

    /// <summary>The role of the port in its factor ("mean", "sample", ...), for messages.</summary>
    string Role { get; }

    void Allocate(int factorCount);

    /// <summary>The variable element that factor instance <paramref name="i"/> reads or writes.</summary>
    int ElementIndex(int i);

    /// <summary>log normaliser of the marginal this port reads at factor instance i (0 when observed).</summary>
    double LogNormalizerAt(int i);

    /// <summary>Applies messages deferred by a parallel update (see <see cref="Port{T}.SetMessage"/>).</summary>
    void Commit();

    /// <summary>True when several instances of the factor reach the same element (a variable shared across a plate).</summary>
    bool IsShared { get; }

    /// <summary>Under EP, messages to a shared element are applied after the whole plate loop (Infer.NET's default), not one by one.</summary>
    bool Parallel { get; set; }
}

/// <summary>
/// A port to a variable with <typeparamref name="T"/> marginals, or to an observed one read as point masses. Holds the
/// factor's EP message per instance; the variable's marginal is the product of the messages of all its ports.
/// </summary>
internal sealed class Port<T> : IPort where T : struct, IExponentialFamily<T>
{
    private VarNode<T>? _random;
    private ObservedNode? _observed;
    private readonly T _like;
    private T[] _points = Arrays.Empty<T>();
    private T[] _next = Arrays.Empty<T>();
    private readonly List<int> _pending = [];

    internal Port(FactorNode factor, VarNode node, string role, T like)
    {
        Factor = factor;
        Node = node;
        Role = role;
        _like = like;
        _random = node as VarNode<T>;
        _observed = node as ObservedNode;
        if (_random is null && _observed is null)
            throw new NotSupportedException($"The {factor.Description} factor expects '{node.Name}' ({role}) to have {typeof(T).Name} marginals, but its definition gives it another distribution type.");
        node.Ports.Add(this);
    }

    public VarNode Node { get; private set; }
    public FactorNode Factor { get; }
    public string Role { get; }
    public bool IsObserved => _random is null;
    internal VarNode<T>? Random => _random;
    internal ObservedNode? Observed => _observed;

    /// <summary>The distribution of this port's shape (dimension), uniform.</summary>
    internal T Like => _like;

    /// <summary>Constant variable index (Switch expansion), or −1.</summary>
    internal int ConstantIndex { get; set; } = -1;

    /// <summary>Factor instance → variable element (null: identity, unless scalar).</summary>
    internal int[]? Map { get; private set; }

    /// <summary>Builds <see cref="Map"/> at bind time (index arrays observed as data).</summary>
    internal Func<int[]?>? MapBuilder { get; set; }

    internal bool Scalar { get; set; }
    public bool IsOutput { get; init; }
    internal T[] Messages { get; private set; } = Arrays.Empty<T>();

    /// <summary>Checks observed values against what the factor needs beyond the distribution's support.</summary>
    internal Action<ObservedNode>? Validate { get; set; }

    public bool IsShared { get; private set; }

    /// <summary>The factor reads the observed values themselves (<see cref="ObservedValues"/>), never point masses.</summary>
    internal bool RawValues { get; init; }
    public bool Parallel { get; set; } = true;

    public void Allocate(int factorCount)
    {
        Map = MapBuilder?.Invoke();
        if (Map is not null)
            foreach (var j in Map)
                if ((uint)j >= (uint)Node.Count)
                    throw new IndexOutOfRangeException($"An index into '{Node.Name}' is {j}, outside [0, {Node.Count}) ({Factor.Description} factor).");
        if (!Scalar && Map is null && ConstantIndex < 0 && Node.Count != factorCount)
            throw new InvalidOperationException($"The {Factor.Description} factor has {factorCount} instances but '{Node.Name}' has {Node.Count} elements; their ranges must have equal sizes.");
        IsShared = factorCount > 1 && (Scalar || ConstantIndex >= 0 || (Map is not null && !Injective(Map, Node.Count)));
        _pending.Clear();
        if (_observed is not null)
        {
            Validate?.Invoke(_observed);
            if (!RawValues) _points = _observed.PointMasses(_like, $"{Factor.Description} factor ({Role})");
            return;
        }
        if (Messages.Length != factorCount) { Messages = new T[factorCount]; _next = new T[factorCount]; }
        Arrays.Fill(Messages, _random!.Unit);
    }

    private static bool Injective(int[] map, int count)
    {
        if (map.Length > count) return false;
        var seen = new bool[count];
        foreach (var j in map) { if (seen[j]) return false; seen[j] = true; }
        return true;
    }

    public int ElementIndex(int i) => Index(i);

    /// <summary>Connects the port to another node of the same type and layout (a variable's copy in one gate case).</summary>
    internal void Retarget(VarNode<T> node)
    {
        Node.Ports.Remove(this);
        Node = node;
        _random = node;
        _observed = null;
        node.Ports.Add(this);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Index(int i) => ConstantIndex >= 0 ? ConstantIndex : Scalar ? 0 : Map is null ? i : Map[i];

    /// <summary>The variable's marginal at instance i (a point mass when observed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T Marginal(int i) => _random is null ? _points[Index(i)] : _random.Marginal[Index(i)];

    /// <summary>The EP context (cavity): the marginal divided by this factor's last message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T Context(int i) => _random is null ? _points[Index(i)] : _random.Marginal[Index(i)] / Messages[i];

    /// <summary>
    /// Replaces this factor's EP message at instance i. The marginal follows at once, except for a shared element under a
    /// parallel update: then every instance of the loop sees the marginal as it was when the loop began, and
    /// <see cref="Commit"/> applies the new messages together (Infer.NET's schedule for a variable replicated over a range).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetMessage(int i, T message)
    {
        if (_random is null) return;
        if (IsShared && Parallel)
        {
            _next[i] = message;
            _pending.Add(i);
            return;
        }
        int j = Index(i);
        _random.Marginal[j] = _random.Marginal[j] / Messages[i] * message;
        Messages[i] = message;
    }

    public void Commit()
    {
        if (_pending.Count == 0) return;
        var marginal = _random!.Marginal;
        foreach (int i in _pending)
        {
            int j = Index(i);
            marginal[j] = marginal[j] / Messages[i] * _next[i];
            Messages[i] = _next[i];
        }
        _pending.Clear();
    }

    /// <summary>Multiplies a VMP message into the variable's accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddVmp(int i, T message)
    {
        int j = Index(i);
        _random!.Accumulator[j] = _random.Accumulator[j] * message;
    }

    /// <summary>The raw observed value array (double[], int[], Vector[], ...), for factors that read values directly.</summary>
    internal Array ObservedValues => _observed?.Values ?? throw new InvalidOperationException($"'{Node.Name}' is not observed.");

    public double LogNormalizerAt(int i) => _random is null ? 0 : _random.Marginal[Index(i)].GetLogNormalizer();
}
