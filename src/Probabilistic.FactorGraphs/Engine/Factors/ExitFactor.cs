using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Under VMP, x = x_z: a variable defined in each case of a gate (a conditional probability table) or created in a Switch
/// block is one copy x_c per case, each conditional on its case, and x is the deterministic exit of the gate (Minka &amp;
/// Winn's Exit, collapsed as Winn &amp; Bishop collapse deterministic nodes): q(x) = Σ_c q(z = c) q(x_c), projected onto x's
/// family. The copies receive x's backward message unweighted (each lives in its case), and the selector receives, per
/// case, E_q(x_c)[log m(x)], the share of x's readers in that case's bound. The compiler builds these (see
/// <see cref="Exits"/>); EP runs the same models by projecting through the gate instead.
/// </summary>
internal sealed class ExitFactor<T> : FactorNode where T : struct, IExponentialFamily<T>
{
    private readonly IReadOnlyList<IPort> _ports;
    private readonly GateBinding _selector;
    private readonly Port<Bernoulli>? _bool;
    private readonly Port<Discrete>? _int;

    internal ExitFactor(string description, Port<T> representative, VarNode<T> output, VarNode<T>[] copies, GateBinding selector) : base(description)
    {
        _selector = selector;
        Out = Mirror(representative, output, isOutput: true);
        Copies = copies.Select(c => Mirror(representative, c, isOutput: false)).ToArray();
        var ports = new List<IPort> { Out };
        ports.AddRange(Copies);
        if (selector.Selector is VarNode<Bernoulli>) ports.Add(_bool = SelectorPort<Bernoulli>(Bernoulli.Uniform()));
        else if (selector.Selector is VarNode<Discrete> d) ports.Add(_int = SelectorPort(d.Uniform));
        _ports = ports;
    }

    internal Port<T> Out { get; }
    internal Port<T>[] Copies { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    // the output and the copies are reached by this factor's instances exactly as the defining factors reach the variable
    private Port<T> Mirror(Port<T> like, VarNode<T> node, bool isOutput) =>
        new(this, node, isOutput ? "exit" : "case copy", node.Uniform)
        {
            IsOutput = isOutput,
            Scalar = like.Scalar,
            ConstantIndex = like.ConstantIndex,
            MapBuilder = like.MapBuilder,
        };

    private Port<TS> SelectorPort<TS>(TS like) where TS : struct, IExponentialFamily<TS> =>
        new(this, _selector.Selector, "selector", like)
        {
            Scalar = _selector.SelectorScalar,
            MapBuilder = () => { _selector.BindMap(); return _selector.SelectorMap; },
        };

    internal override void Allocate()
    {
        _selector.BindMap();
        base.Allocate();
    }

    /// <summary>q(z = c) at instance i.</summary>
    private double CaseWeight(int i, int c)
    {
        int j = _selector.SelectorIndex(i);
        return _selector.Selector switch
        {
            VarNode<Bernoulli> b => c == 1 ? b.Marginal[j].GetProbTrue() : b.Marginal[j].GetProbFalse(),
            VarNode<Discrete> d => d.Marginal[j][c],
            ObservedNode o => GateBinding.ObservedCase(o, j) == c ? 1 : 0,
            _ => throw new InvalidOperationException($"Selector '{_selector.Selector.Name}' is neither bool nor int."),
        };
    }

    internal override string? EpRefusal => "An exit is compiled only for VariationalMessagePassing.";

    internal override void EpSend(IPort target, int i) => throw new NotSupportedException(EpRefusal);

    internal override double EpLogZ(int i) => throw new NotSupportedException(EpRefusal);

    internal override string? VmpRefusal => null;
    internal override bool IsDeterministic => true;
    internal override bool CombinesArguments => false;

    internal override void VmpForward()
    {
        var w = new double[Copies.Length];
        var q = new T[Copies.Length];
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < q.Length; c++) { w[c] = CaseWeight(i, c); q[c] = Copies[c].Marginal(i); }
            Out.Random!.Marginal[Out.Index(i)] = T.ProjectMixture(w, q);
        }
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = Collapsed.Backward(Out.Random!);
        int copy = Array.IndexOf(Copies, target);
        if (copy >= 0)
        {
            for (int i = 0; i < Count; i++) Copies[copy].AddVmp(i, back[Out.Index(i)].Pow(w?[i] ?? 1));
            return;
        }
        var l = new double[Copies.Length];
        for (int i = 0; i < Count; i++)
        {
            var m = back[Out.Index(i)];
            double wi = w?[i] ?? 1;
            for (int c = 0; c < l.Length; c++) l[c] = MessageMath.Mul(wi, AverageLogOfMessage(Copies[c].Marginal(i), m));
            if (_bool is not null) _bool.AddVmp(i, Bernoulli.FromLogOdds(GateGroup.LogOdds(l[1], l[0])));
            else
            {
                _int!.AddVmp(i, Discrete.FromNaturalOwned(Arrays.Minus(l, Arrays.Max(l))));
            }
        }
    }

    /// <summary>E_q[log m(x)] for an unnormalised message m (its log normaliser added back; 0 for the uniform).</summary>
    private static double AverageLogOfMessage(T q, T m) => m.IsUniform() ? 0 : q.GetAverageLog(m) + m.GetLogNormalizer();

    internal override double VmpAverageLog(int i) => 0;
}
