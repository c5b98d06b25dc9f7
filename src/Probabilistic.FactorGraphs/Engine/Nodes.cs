using System.Runtime.CompilerServices;
using Range = Probabilistic.FactorGraphs.Models.Range;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>A variable of the compiled graph: a plate of <see cref="Count"/> elements, observed or random.</summary>
internal abstract class VarNode
{
    internal VarNode(Variable source) { Source = source; }

    internal Variable Source { get; }
    internal string Name => Source.Name;
    internal PlateSpace Space { get; set; } = new([]);
    internal int Count { get; set; } = 1;
    internal List<IPort> Ports { get; } = [];
    internal List<GateFactor> GatesOnMe { get; } = [];

    /// <summary>The gate the variable was created in (its definition is conditional on that gate).</summary>
    internal GateFrame? LocalGate { get; set; }

    internal abstract bool IsObserved { get; }

}

/// <summary>An observed variable: raw values, read by factors as point masses.</summary>
internal sealed class ObservedNode : VarNode
{
    internal ObservedNode(Variable source) : base(source) { }

    internal override bool IsObserved => true;
    internal double[]? Doubles { get; private set; }
    internal bool[]? Bools { get; private set; }
    internal int[]? Ints { get; private set; }
    internal double[][]? Vectors { get; private set; }

    /// <summary>Observed positive-definite matrices, each d×d row-major.</summary>
    internal double[][]? Matrices { get; private set; }
    internal bool? ForcedTrue { get; set; }

    /// <summary>
    /// A point-mass prior (<c>Variable.Random(VectorGaussian.PointMass(v))</c>, a Dirichlet or Wishart point mass) that the
    /// compiler turned into this constant: every element of the variable holds its point, and factors read it as observed.
    /// </summary>
    internal object? Constant { get; init; }

    /// <summary>Reads the variable's current observed value (scalar or array, flattened to its plate layout).</summary>
    internal void Bind()
    {
        if (Constant is not null)
        {
            BindConstant(Constant);
            return;
        }
        if (ForcedTrue == true && !Source.IsObserved)
        {
            Count = Space.Count;
            Bools = new bool[Count];
            Array.Fill(Bools, true);
            return;
        }
        object value = Source.ObservedObject ?? throw new InvalidOperationException($"Variable '{Name}' lost its observed value.");
        Doubles = null; Bools = null; Ints = null; Vectors = null; Matrices = null;
        switch (value)
        {
            case double d: Doubles = [d]; break;
            case bool b: Bools = [b]; break;
            case int k: Ints = [k]; break;
            case double[] ds when Source.ValueType == typeof(double[]) && Space.Rank == 0: Vectors = [ds]; break;
            case LinearAlgebra.Vector v: Vectors = [v.ToArray()]; break;
            case LinearAlgebra.Vector[] vs: Vectors = vs.Select(v => v.ToArray()).ToArray(); break;
            case double[] ds: Doubles = ds; break;
            case bool[] bs: Bools = bs; break;
            case int[] ks: Ints = ks; break;
            case LinearAlgebra.PositiveDefiniteMatrix m: Matrices = [m.Span.ToArray()]; break;
            case LinearAlgebra.PositiveDefiniteMatrix[] ms: Matrices = ms.Select(m => m.Span.ToArray()).ToArray(); break;
            case double[][] ds: Doubles = Flatten(ds); break;
            case bool[][] bs: Bools = Flatten(bs); break;
            case int[][] ks: Ints = Flatten(ks); break;
            case LinearAlgebra.Vector[][] vs: Vectors = Flatten(vs).Select(v => v.ToArray()).ToArray(); break;
            case double[,] ds: Doubles = Flatten(ds); break;
            case bool[,] bs: Bools = Flatten(bs); break;
            case int[,] ks: Ints = Flatten(ks); break;
            default: throw new NotSupportedException($"Observed values of type {value.GetType().Name} (variable '{Name}') are not supported; use double, bool, int, Vector or arrays of them.");
        }
        Count = Doubles?.Length ?? Bools?.Length ?? Ints?.Length ?? Vectors?.Length ?? Matrices!.Length;
        if (ForcedTrue == true && Bools is { } bb && Array.IndexOf(bb, false) >= 0)
            throw new InvalidOperationException($"Variable '{Name}' is constrained to be true but observed false: the model has zero probability.");
        if (Space.Rank > 0 && Count != Space.Count)
            throw new InvalidOperationException($"Variable '{Name}' is observed with {Count} values but its ranges ({Space}) have {Space.Count} elements.");
    }

    private void BindConstant(object constant)
    {
        Count = Space.Count;
        Doubles = null; Bools = null; Ints = null; Vectors = null; Matrices = null;
        double[] point = constant switch
        {
            VectorGaussian g => g.Point.ToArray(),
            Dirichlet d => d.Point.ToArray(),
            Wishart w => w.Point.Span.ToArray(),
            _ => throw new InvalidOperationException($"'{Name}' has a constant of unexpected type {constant.GetType().Name}."),
        };
        var values = new double[Count][];
        for (int j = 0; j < Count; j++) values[j] = (double[])point.Clone();   // one array per element, as an observed array has
        if (constant is Wishart) Matrices = values;
        else Vectors = values;
    }

    private T[] Flatten<T>(T[][] rows)
    {
        if (Space.Rank != 2)
            throw new InvalidOperationException($"Variable '{Name}' is observed with an array of arrays but has {Space.Rank} range(s) ({Space}).");
        var outer = Space.Ranges[0];
        for (int o = 0; o < rows.Length; o++)
        {
            if (rows[o] is null) throw new ArgumentNullException(Name, $"Row {o} of the observed value of '{Name}' is null.");
            if (o < Space.RowCount && rows[o].Length != Space.RowLength(o))
                throw new InvalidOperationException($"Row {o} of the observed value of '{Name}' has {rows[o].Length} values but range '{Space.Ranges[1].Name}' has {Space.RowLength(o)} there.");
        }
        if (rows.Length != Space.RowCount)
            throw new InvalidOperationException($"Variable '{Name}' is observed with {rows.Length} rows but range '{outer.Name}' has size {Space.RowCount}.");
        return rows.SelectMany(r => r).ToArray();
    }

    private T[] Flatten<T>(T[,] values)
    {
        if (Space.Rank != 2 || values.GetLength(0) != Space.RowCount || (Space.RowCount > 0 && values.GetLength(1) != Space.RowLength(0)))
            throw new InvalidOperationException($"Variable '{Name}' is observed with a {values.GetLength(0)}×{values.GetLength(1)} array but its ranges are {Space}.");
        var flat = new T[values.Length];
        int e = 0;
        foreach (var x in values) flat[e++] = x;
        return flat;
    }
}

/// <summary>A random variable whose marginals are <typeparamref name="T"/>s, one per plate element.</summary>
internal sealed class VarNode<T> : VarNode where T : struct, IDistribution<T>
{
    internal VarNode(Variable source, T uniform) : base(source) { Uniform = uniform; }

    internal override bool IsObserved => false;
    internal T Uniform { get; set; }
    internal T[] Marginal { get; private set; } = [];
    internal T[] Accumulator { get; private set; } = [];

    /// <summary>
    /// The unit message (natural parameters 0): EP's marginal starts as the product of its ports' unit messages, so the
    /// log normalisers in the evidence agree. Differs from <see cref="Uniform"/> only for a Discrete (η = −log K there).
    /// </summary>
    internal T Unit => typeof(T) == typeof(Discrete) ? Uniform.Pow(0) : Uniform;

    internal void Allocate()
    {
        if (Marginal.Length != Count) { Marginal = new T[Count]; Accumulator = new T[Count]; }
        Array.Fill(Marginal, Unit);
    }

    internal void BeginAccumulate() => Array.Fill(Accumulator, Uniform);

    internal void EndAccumulate() => Array.Copy(Accumulator, Marginal, Count);

    internal double SumLogNormalizer()
    {
        double s = 0;
        foreach (var q in Marginal) s += q.GetLogNormalizer();
        return s;
    }

    internal double SumAverageLogSelf()
    {
        double s = 0;
        foreach (var q in Marginal) s += q.GetAverageLogSelf();
        return s;
    }
}

/// <summary>A factor's connection to a variable: index map, EP messages, and typed access.</summary>
internal interface IPort
{
    VarNode Node { get; }
    FactorNode Factor { get; }
    bool IsObserved { get; }
    bool IsOutput { get; }
    void Allocate(int factorCount);
    double SumLogNormalizerAt();

    /// <summary>The variable element that factor instance <paramref name="i"/> reads or writes.</summary>
    int ElementIndex(int i);

    /// <summary>log normaliser of the marginal this port reads at factor instance i (0 when observed).</summary>
    double LogNormalizerAt(int i);
}

/// <summary>A port to a variable with <typeparamref name="T"/> marginals (or an observed one, read as point masses).</summary>
internal sealed class Port<T> : IPort where T : struct, IDistribution<T>
{
    private VarNode<T>? _random;
    private Func<int, T>? _pointAt;

    internal Port(FactorNode factor, VarNode node, Func<ObservedNode, int, T>? pointAt)
    {
        Factor = factor;
        Node = node;
        _random = node as VarNode<T>;
        if (node is ObservedNode obs)
        {
            if (pointAt is null) throw new InvalidOperationException($"{factor.Description} cannot read observed variable '{node.Name}'.");
            _pointAt = j => pointAt(obs, j);
        }
        else if (_random is null)
            throw new NotSupportedException($"{factor.Description} expects '{node.Name}' to have {typeof(T).Name} marginals, but its definition gives it another distribution type.");
        node.Ports.Add(this);
    }

    public VarNode Node { get; }
    public FactorNode Factor { get; }
    public bool IsObserved => _random is null;
    internal VarNode<T>? Random => _random;

    /// <summary>Constant variable index (Switch expansion), or −1.</summary>
    internal int ConstantIndex { get; set; } = -1;

    /// <summary>Factor instance → variable element (null: identity, unless scalar).</summary>
    internal int[]? Map { get; set; }

    /// <summary>Builds <see cref="Map"/> at bind time (index arrays observed as data).</summary>
    internal Func<int[]?>? MapBuilder { get; set; }

    internal bool Scalar { get; set; }
    public bool IsOutput { get; set; }
    internal T[] Messages { get; private set; } = [];

    /// <summary>Checks observed values against the support this port expects.</summary>
    internal Action<ObservedNode>? Validate { get; set; }

    public void Allocate(int factorCount)
    {
        Map = MapBuilder?.Invoke();
        if (Map is not null)
            foreach (var j in Map)
                if ((uint)j >= (uint)Node.Count)
                    throw new IndexOutOfRangeException($"An index into '{Node.Name}' is {j}, outside [0, {Node.Count}) ({Factor.Description} factor).");
        if (!Scalar && Map is null && ConstantIndex < 0 && Node.Count != factorCount)
            throw new InvalidOperationException($"The {Factor.Description} factor has {factorCount} instances but '{Node.Name}' has {Node.Count} elements; their ranges must have equal sizes.");
        if (_random is null) { Validate?.Invoke((ObservedNode)Node); return; }
        if (Messages.Length != factorCount) Messages = new T[factorCount];
        Array.Fill(Messages, _random.Unit);
    }

    public int ElementIndex(int i) => Index(i);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int Index(int i) => ConstantIndex >= 0 ? ConstantIndex : Scalar ? 0 : Map is null ? i : Map[i];

    /// <summary>The variable's marginal at instance i (a point mass when observed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal T Marginal(int i) => _random is null ? _pointAt!(Index(i)) : _random.Marginal[Index(i)];

    /// <summary>The EP context: the marginal divided by this factor's last message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal T Context(int i) => _random is null ? _pointAt!(Index(i)) : _random.Marginal[Index(i)] / Messages[i];

    /// <summary>Replaces this factor's EP message at instance i and updates the marginal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void SetMessage(int i, T message)
    {
        if (_random is null) return;
        int j = Index(i);
        _random.Marginal[j] = _random.Marginal[j] / Messages[i] * message;
        Messages[i] = message;
    }

    /// <summary>Multiplies a VMP message into the variable's accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddVmp(int i, T message)
    {
        int j = Index(i);
        _random!.Accumulator[j] = _random.Accumulator[j] * message;
    }

    public double LogNormalizerAt(int i) => _random is null ? 0 : _random.Marginal[Index(i)].GetLogNormalizer();

    public double SumLogNormalizerAt()
    {
        if (_random is null) return 0;
        double s = 0;
        for (int i = 0; i < Factor.Count; i++) s += _random.Marginal[Index(i)].GetLogNormalizer();
        return s;
    }
}
