using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// A variable of the compiled graph: a plate of <see cref="Count"/> elements, observed or random. Behaviour that depends
/// on the distribution type lives in <see cref="VarNode{T}"/> (through the distribution's own members), never in a switch.
/// </summary>
internal abstract class VarNode
{
    internal VarNode(Variable source) { Source = source; }

    internal Variable Source { get; }
    internal string Name => Source.Name;
    internal PlateSpace Space { get; set; } = new([]);
    internal int Count { get; set; } = 1;
    internal List<IPort> Ports { get; } = [];

    /// <summary>The gate case the variable was created in (its posterior is conditional on that case); null at the top level.</summary>
    internal GateFrame? Home { get; set; }

    /// <summary>The gate groups this variable selects.</summary>
    internal List<GateGroup> Selects { get; } = [];

    internal abstract bool IsObserved { get; }

    /// <summary>EP through a gate: a copy of element <paramref name="e"/> per case (<see cref="GateSlot"/>).</summary>
    internal virtual GateSlot CreateSlot(int e, int cases, bool forceProper) => throw new InvalidOperationException($"'{Name}' is observed and needs no copy per case.");

    /// <summary>log normaliser of element <paramref name="e"/>'s marginal (0 when observed).</summary>
    internal virtual double LogNormalizerOf(int e) => 0;

    /// <summary>E_q[log q] of element <paramref name="e"/> (−entropy; 0 when observed).</summary>
    internal virtual double AverageLogSelfOf(int e) => 0;

    /// <summary>A node of the same type, shape and layout living in <paramref name="home"/>: the variable's copy in one gate case.</summary>
    internal virtual VarNode CopyFor(GateFrame home) => throw new InvalidOperationException($"'{Name}' is observed and has no copies.");

    /// <summary>Moves <paramref name="port"/> (on this node) to <paramref name="copy"/>, a node made by <see cref="CopyFor"/>.</summary>
    internal virtual void MovePort(IPort port, VarNode copy) => throw new InvalidOperationException($"'{Name}' is observed.");

    /// <summary>Allocates (or resets) the marginals of a random variable to the unit message.</summary>
    internal virtual void Allocate() { }

    /// <summary>VMP: resets the accumulator to the uniform.</summary>
    internal virtual void BeginAccumulate() { }

    /// <summary>VMP: the marginal becomes the accumulated product (only element <paramref name="only"/> when ≥ 0).</summary>
    internal virtual void EndAccumulate(int only) { }

    /// <summary>True when every accumulated element is proper (VMP's initial pass keeps an improper one at its start).</summary>
    internal virtual bool AccumulatorProper() => true;

    /// <summary>Sets the marginals from an initialiser (one distribution, or one per element).</summary>
    internal virtual void Apply(object init) { }

    /// <summary>
    /// EP's InitialiseTo: the initialiser becomes the initial marginal, as if a pseudo-factor had sent it; the returned action
    /// divides it out again once every factor has sent its first message.
    /// </summary>
    /// <summary>
    /// EP: starts the variable from an initialisation. Returns the definition whose first send it replaces (to be skipped
    /// in the first forward pass), or null with <paramref name="remove"/> dividing an initial marginal out after the sweep.
    /// </summary>
    internal virtual FactorNode? StartFrom(object init, out Action? remove) => throw new NotSupportedException($"InitialiseTo on '{Name}' is not supported.");

    internal virtual double SumLogNormalizer() => 0;

    internal virtual double SumAverageLogSelf() => 0;

    /// <summary>A copy of the marginals (an array of the distribution type).</summary>
    internal virtual Array MarginalsCopy() => throw new InvalidOperationException($"'{Name}' is observed.");

    /// <summary>Element <paramref name="e"/> quoted for messages: 'x' for a scalar, 'x'[3] for an array.</summary>
    internal string Quoted(int e) => Count > 1 || Space.Rank > 0 ? $"'{Name}'[{e}]" : $"'{Name}'";

    /// <summary>True when <paramref name="frame"/> is the gate case this variable lives in, or encloses it.</summary>
    internal bool LivesInside(GateFrame frame)
    {
        for (var f = Home; f is not null; f = f.Parent) if (Equals(f, frame)) return true;
        return false;
    }
}

/// <summary>A random variable whose marginals are <typeparamref name="T"/>s, one per plate element.</summary>
internal sealed class VarNode<T> : VarNode, IExitMaker where T : struct, IExponentialFamily<T>
{
    internal VarNode(Variable source, T uniform) : base(source)
    {
        Uniform = uniform;
        Unit = uniform.Pow(0);
    }

    internal override bool IsObserved => false;

    /// <summary>The flat distribution of this variable's shape (the dimension of a Discrete, say).</summary>
    internal T Uniform { get; }

    /// <summary>
    /// The unit message (natural parameters 0): EP's marginal starts as the product of its ports' unit messages, so the
    /// log normalisers in the evidence agree. Differs from <see cref="Uniform"/> only where the uniform is normalised.
    /// </summary>
    internal T Unit { get; }

    internal T[] Marginal { get; private set; } = Arrays.Empty<T>();

    /// <summary>VMP: the product of the messages gathered for an update.</summary>
    internal T[] Accumulator { get; private set; } = Arrays.Empty<T>();

    internal override void Allocate()
    {
        if (Marginal.Length != Count) { Marginal = new T[Count]; Accumulator = new T[Count]; }
        Arrays.Fill(Marginal, Unit);
    }

    internal override void BeginAccumulate() => Arrays.Fill(Accumulator, Uniform);

    internal override void EndAccumulate(int only)
    {
        if (only >= 0) Marginal[only] = Accumulator[only];
        else Array.Copy(Accumulator, Marginal, Count);
    }

    internal override bool AccumulatorProper()
    {
        foreach (var q in Accumulator) if (!q.IsProper()) return false;
        return true;
    }

    internal override FactorNode? StartFrom(object init, out Action? remove)
    {
        Apply(init);
        // a Discrete or Bernoulli point mass starts as e^−200 short of one (Infer.NET starts the messages to the
        // variable's readers at the point mass itself; the difference is far below double precision in what they send)
        for (int j = 0; j < Marginal.Length; j++) Marginal[j] = Marginal[j].Softened(200);
        var initial = (T[])Marginal.Clone();
        for (int j = 0; j < initial.Length; j++)
            if (initial[j].IsPointMass || !initial[j].IsProper())
                throw new NotSupportedException($"InitialiseTo for '{Name}' gives element {j} the distribution {initial[j]}; under ExpectationPropagation the initialisation stands in for a message until the first sweep replaces it, so it must be proper, and a point mass only for a Discrete or bool variable (give a continuous variable a narrow distribution instead).");
        // As in Infer.NET, the initialisation is the message from the variable's definition until the definition first
        // sends: its readers see it (times each other's messages) in the first sweep, the definition's own arguments do not.
        if (Ports.FirstOrDefault(p => p.IsOutput) is Port<T> def && def.Factor.Gate is null && def.Factor.Count == Count)
        {
            for (int i = 0; i < def.Factor.Count; i++) def.Messages[i] = initial[def.Index(i)];
            remove = null;
            return def.Factor;
        }
        // no single definition to stand in for (a variable defined by cases): an initial marginal divided out after the sweep
        remove = () =>
        {
            for (int j = 0; j < initial.Length; j++) Marginal[j] = Marginal[j] / initial[j];
        };
        return null;
    }

    internal override Array MarginalsCopy() => (T[])Marginal.Clone();

    internal override double LogNormalizerOf(int e) => Marginal[e].GetLogNormalizer();

    internal override double AverageLogSelfOf(int e) => Marginal[e].GetAverageLogSelf();

    internal override GateSlot CreateSlot(int e, int cases, bool forceProper) => new GateSlot<T>(this, e, cases, forceProper);

    internal override VarNode CopyFor(GateFrame home) => new VarNode<T>(Source, Uniform) { Space = Space, Home = home };

    internal override void MovePort(IPort port, VarNode copy) => ((Port<T>)port).Retarget((VarNode<T>)copy);

    public FactorNode MakeExit(string description, IPort representative, VarNode output, VarNode[] copies, GateBinding selector) =>
        new ExitFactor<T>(description, (Port<T>)representative, (VarNode<T>)output, copies.Cast<VarNode<T>>().ToArray(), selector);

    internal override double SumLogNormalizer()
    {
        double s = 0;
        foreach (var q in Marginal) s += q.GetLogNormalizer();
        return s;
    }

    /// <summary>Sets the marginals from an initialiser: one distribution for every element, or one per element.</summary>
    internal override void Apply(object init)
    {
        switch (init)
        {
            case T one:
                Arrays.Fill(Marginal, one);
                break;
            case T[] many:
                if (many.Length != Count) throw new ArgumentException($"InitialiseTo for '{Name}' has {many.Length} distributions; the variable has {Count} elements.");
                Array.Copy(many, Marginal, Count);
                break;
            case IEnumerable<T> seq:
                Apply(Arrays.ToArray(seq));
                break;
            default:
                throw new ArgumentException($"InitialiseTo for '{Name}' gave a {init.GetType().Name}; the variable's marginals are {typeof(T).Name}.");
        }
    }

    internal override double SumAverageLogSelf()
    {
        double s = 0;
        foreach (var q in Marginal) s += q.GetAverageLogSelf();
        return s;
    }
}

/// <summary>
/// An observed variable (or a constant): its values flattened in plate order, read by factors as point masses of whatever
/// distribution type each port expects (an observed double is a Gaussian sample to one factor and a Gamma precision to another).
/// </summary>
internal sealed class ObservedNode : VarNode
{
    private readonly Dictionary<Type, Array> _points = [];

    internal ObservedNode(Variable source) : base(source) { }

    internal override bool IsObserved => true;

    /// <summary>The values, flattened in plate order: double[], bool[], int[], Vector[], PositiveDefiniteMatrix[], or distributions.</summary>
    internal Array Values { get; private set; } = Array.Empty<object>();

    internal double[]? Doubles => Values as double[];
    internal bool[]? Bools => Values as bool[];
    internal int[]? Ints => Values as int[];

    /// <summary>A constraint forced the value: the variable is true everywhere (ConstrainTrue on a whole variable).</summary>
    internal bool ForcedTrue { get; init; }

    /// <summary>
    /// A point-mass prior (<c>Variable.Random(VectorGaussian.PointMass(v))</c>, a Dirichlet or Wishart point mass) that the
    /// compiler turned into this constant: every element holds its point.
    /// </summary>
    internal object? Constant { get; init; }

    /// <summary>Reads the variable's current observed value (scalar or array, flattened to its plate layout).</summary>
    internal void Bind()
    {
        _points.Clear();
        Count = Space.Count;
        if (Constant is not null) { Values = ObservedValues.Fill(ObservedValues.PointOf(Constant, Name), Count); return; }
        if (ForcedTrue && !Source.IsObserved)
        {
            var all = new bool[Count];
            Arrays.Fill(all, true);
            Values = all;
            return;
        }
        object value = Source.ObservedObject ?? throw new InvalidOperationException($"Variable '{Name}' lost its observed value.");
        Values = ObservedValues.Flatten(value, Source.ValueType, Space, Name);
        if (Values.Length != Count)
            throw new InvalidOperationException($"Variable '{Name}' is observed with {Values.Length} values but its ranges ({Space}) have {Count} elements.");
        if (ForcedTrue && Values is bool[] bs && Array.IndexOf(bs, false) is int at and >= 0)
            throw new InvalidOperationException($"Variable {Quoted(at)} is constrained to be true but observed false: the model has zero probability.");
    }

    /// <summary>The point masses of every element as <typeparamref name="T"/> (shaped like <paramref name="like"/>), cached per type.</summary>
    internal T[] PointMasses<T>(T like, string reader) where T : struct, IExponentialFamily<T>
    {
        if (_points.TryGetValue(typeof(T), out var cached)) return (T[])cached;
        var points = new T[Values.Length];
        for (int j = 0; j < points.Length; j++)
        {
            try { points[j] = T.PointMassAt(Values, j, like); }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ArgumentOutOfRangeException(Name, $"Observed {Quoted(j)} {e.Message.Split(" (Parameter")[0]} (read by the {reader}).");
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Observed {Quoted(j)} {e.Message.Split(" (Parameter")[0]} (read by the {reader}).", Name, e);
            }
        }
        _points[typeof(T)] = points;
        return points;
    }
}
