using System.Runtime.CompilerServices;
using Probabilistic.Core.Inference;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The fixed sequential schedule of a compiled model, one sweep per <see cref="Step"/> on Core's driver. EP: every
/// factor in creation order, then the gates; the value is EP's log-evidence estimate. VMP: every random variable in
/// creation order receives all its messages and is reset to their product (exact coordinate ascent); the value is the ELBO.
/// </summary>
internal sealed class MessagePassing : IElboOptimizer
{
    private readonly CompiledModel _model;
    private readonly List<VarNode> _random;
    private readonly List<VarNode> _vmpOrder;
    private readonly CollapsedVmp? _collapsed;

    internal MessagePassing(CompiledModel model)
    {
        _model = model;
        _random = model.Variables.Where(v => !v.IsObserved).ToList();
        // VMP sweeps update initialised variables last, so that their initial marginals reach the others before being
        // overwritten (any order is coordinate ascent; this one is what makes InitialiseTo break symmetry wherever it is set)
        _vmpOrder = [.. _random.Where(v => v.Source.Initialiser is null), .. _random.Where(v => v.Source.Initialiser is not null)];
        if (model.Vmp) _collapsed = new CollapsedVmp(model);
    }

    public bool IsMonotone => _model.Vmp;
    public bool IsBound => _model.Vmp;
    public long ObservationCount { get; private set; } = 1;

    /// <summary>Reads observed values and sizes, allocates marginals and messages, and initialises them.</summary>
    internal void Bind()
    {
        long observed = 0;
        foreach (var s in _model.Spaces.Values) s.Bind();
        foreach (var v in _model.Variables)
        {
            if (v is ObservedNode o) { o.Bind(); observed += o.Count; }
            else v.Count = v.Space.Count;
        }
        ObservationCount = Math.Max(1, observed);
        foreach (var v in _random) Allocate(v);
        foreach (var f in _model.Factors) f.Allocate();
        CycleCheck.CheckElements(_model, _model.Cyclic);
        foreach (var g in _model.Gates) g.Allocate();
        foreach (var f in _model.Factors.OfType<GaussianFactor>()) f.PrepareFastPath();
        foreach (var f in _model.Factors.OfType<PoissonFactor>()) f.PrepareFastPath();
        if (_model.Vmp) InitialiseVmp();
        else InitialiseEp();
    }

    private static void Allocate(VarNode v)
    {
        switch (v)
        {
            case VarNode<Gaussian> n: n.Allocate(); break;
            case VarNode<Gamma> n: n.Allocate(); break;
            case VarNode<Beta> n: n.Allocate(); break;
            case VarNode<Bernoulli> n: n.Allocate(); break;
            case VarNode<Discrete> n: n.Allocate(); break;
            case VarNode<Dirichlet> n: n.Allocate(); break;
            case VarNode<VectorGaussian> n: n.Allocate(); break;
            case VarNode<Wishart> n: n.Allocate(); break;
        }
    }

    /// <summary>Under EP, divides each initialised variable's initial marginal back out after the first sweep (null: none pending).</summary>
    private List<Action>? _removeInitial;

    /// <summary>
    /// EP's InitialiseTo, as in Infer.NET: the given distribution is the variable's initial marginal, as if a pseudo-factor had
    /// sent it, so the first sweep's contexts see it (which breaks the symmetry of a mixture). Once every factor and gate has
    /// sent its message, the pseudo-message is divided out, so the marginal is again the product of the real messages and EP's
    /// fixed point and evidence are those of the model.
    /// </summary>
    private void InitialiseEp()
    {
        _removeInitial = null;
        foreach (var v in _random)
        {
            if (v.Source.Initialiser is null) continue;
            _removeInitial ??= [];
            _removeInitial.Add(v switch
            {
                VarNode<Gaussian> n => StartFrom(n),
                VarNode<Gamma> n => StartFrom(n),
                VarNode<Beta> n => StartFrom(n),
                VarNode<Bernoulli> n => StartFrom(n),
                VarNode<Discrete> n => StartFrom(n),
                VarNode<Dirichlet> n => StartFrom(n),
                VarNode<VectorGaussian> n => StartFrom(n),
                VarNode<Wishart> n => StartFrom(n),
                _ => throw new NotSupportedException($"InitialiseTo on '{v.Name}' is not supported under ExpectationPropagation."),
            });
        }
    }

    private static Action StartFrom<T>(VarNode<T> v) where T : struct, IDistribution<T>
    {
        Apply(v, v.Source.Initialiser!);
        var initial = (T[])v.Marginal.Clone();
        for (int j = 0; j < initial.Length; j++)
            if (initial[j].IsPointMass || !initial[j].IsProper())
                throw new NotSupportedException($"InitialiseTo for '{v.Name}' gives element {j} the distribution {initial[j]}; under ExpectationPropagation the initialisation is an initial marginal that is divided out after the first sweep, so it must be proper and not a point mass (e.g. put most, not all, of a Discrete's mass on the chosen value).");
        return () =>
        {
            for (int j = 0; j < initial.Length; j++) v.Marginal[j] = v.Marginal[j] / initial[j];
        };
    }

    public double Step(CancellationToken cancellationToken)
    {
        if (_model.Vmp)
        {
            foreach (var v in _vmpOrder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_collapsed!.Collapsed.Contains(v)) continue;
                if (_collapsed.IsCoupled(v))
                    for (int j = 0; j < v.Count; j++) UpdateVmp(v, outputsOnly: false, only: j);
                else UpdateVmp(v, outputsOnly: false);
            }
            return Elbo();
        }
        foreach (var f in _model.Factors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            f.EpUpdate();
        }
        foreach (var g in _model.Gates) g.EpUpdate();
        if (_removeInitial is not null)
        {
            foreach (var remove in _removeInitial) remove();
            _removeInitial = null;
        }
        return EpLogEvidence();
    }

    private void InitialiseVmp()
    {
        // Ancestral pass: each variable starts at the message of its own definition given its parents' initial marginals.
        _collapsed!.Bind();
        foreach (var v in _random)
        {
            if (_collapsed.Collapsed.Contains(v)) _collapsed.Forward(v);
            else UpdateVmp(v, outputsOnly: true);
        }
        foreach (var v in _random) ApplyInitialiser(v);
        _collapsed.ForwardAll();
    }

    private void UpdateVmp(VarNode v, bool outputsOnly, int only = -1)
    {
        switch (v)
        {
            case VarNode<Gaussian> n: Update(n, outputsOnly, only); break;
            case VarNode<Gamma> n: Update(n, outputsOnly, only); break;
            case VarNode<Beta> n: Update(n, outputsOnly, only); break;
            case VarNode<Bernoulli> n: Update(n, outputsOnly, only); break;
            case VarNode<Discrete> n: Update(n, outputsOnly, only); break;
            case VarNode<Dirichlet> n: Update(n, outputsOnly, only); break;
            case VarNode<VectorGaussian> n: Update(n, outputsOnly, only); break;
            case VarNode<Wishart> n: Update(n, outputsOnly, only); break;
        }
        if (!outputsOnly) _collapsed!.ForwardAfter(v);
    }

    /// <summary>
    /// v's marginal := the product of its messages (all elements, or only element <paramref name="only"/> when its elements
    /// are coupled through a deterministic factor, so the update stays coordinate ascent).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update<T>(VarNode<T> v, bool outputsOnly, int only) where T : struct, IDistribution<T>
    {
        v.BeginAccumulate();
        foreach (var p in v.Ports)
        {
            if (p.Factor is GateFactor) continue;
            if (outputsOnly && !p.IsOutput) continue;
            p.Factor.VmpSend(p, outputsOnly ? null : Weights(p.Factor));
        }
        if (!outputsOnly)
            foreach (var g in v.GatesOnMe) g.VmpSend(null!, null);
        if (outputsOnly)
        {
            foreach (var q in v.Accumulator) if (!q.IsProper()) return;
        }
        else _collapsed!.Truncate(v, only);
        if (only >= 0) v.Marginal[only] = v.Accumulator[only];
        else v.EndAccumulate();
    }

    private static void ApplyInitialiser(VarNode v)
    {
        object? init = v.Source.Initialiser;
        if (init is null) return;
        switch (v)
        {
            case VarNode<Gaussian> n: Apply(n, init); break;
            case VarNode<Gamma> n: Apply(n, init); break;
            case VarNode<Beta> n: Apply(n, init); break;
            case VarNode<Bernoulli> n: Apply(n, init); break;
            case VarNode<Discrete> n: Apply(n, init); break;
            case VarNode<Dirichlet> n: Apply(n, init); break;
            case VarNode<VectorGaussian> n: Apply(n, init); break;
            case VarNode<Wishart> n: Apply(n, init); break;
        }
    }

    private static void Apply<T>(VarNode<T> v, object init) where T : struct, IDistribution<T>
    {
        switch (init)
        {
            case T one: Array.Fill(v.Marginal, one); break;
            case T[] many:
                if (many.Length != v.Count) throw new ArgumentException($"InitialiseTo for '{v.Name}' has {many.Length} distributions; the variable has {v.Count} elements.");
                Array.Copy(many, v.Marginal, v.Count);
                break;
            default:
                throw new ArgumentException($"InitialiseTo for '{v.Name}' gave a {init.GetType().Name}; the variable's marginals are {typeof(T).Name}.");
        }
    }

    internal static double[]? Weights(FactorNode f)
    {
        if (f.Gate is not { } g || !f.VmpWeighted) return null;
        var w = new double[f.Count];
        for (int i = 0; i < w.Length; i++) w[i] = g.ChainWeight(i);
        return w;
    }

    private double Elbo()
    {
        double s = 0;
        foreach (var f in _model.Factors) s += f.VmpAverageLogSum(Weights(f));
        foreach (var v in _random) if (!_collapsed!.Collapsed.Contains(v)) s -= SumAverageLogSelf(v);
        return s;
    }

    private double EpLogEvidence()
    {
        double s = 0;
        foreach (var f in _model.Factors) if (f.Gate is null) s += f.EpEvidenceTerm();
        foreach (var g in _model.Gates) if (g.Outer is null) s += g.EpEvidenceTerm();
        foreach (var v in _random) if (v.LocalGate is null) s += SumLogNormalizer(v);
        return s;
    }

    internal static double SumLogNormalizer(VarNode v) => v switch
    {
        VarNode<Gaussian> n => n.SumLogNormalizer(),
        VarNode<Gamma> n => n.SumLogNormalizer(),
        VarNode<Beta> n => n.SumLogNormalizer(),
        VarNode<Bernoulli> n => n.SumLogNormalizer(),
        VarNode<Discrete> n => n.SumLogNormalizer(),
        VarNode<Dirichlet> n => n.SumLogNormalizer(),
        VarNode<VectorGaussian> n => n.SumLogNormalizer(),
        VarNode<Wishart> n => n.SumLogNormalizer(),
        _ => 0,
    };

    private static double SumAverageLogSelf(VarNode v) => v switch
    {
        VarNode<Gaussian> n => n.SumAverageLogSelf(),
        VarNode<Gamma> n => n.SumAverageLogSelf(),
        VarNode<Beta> n => n.SumAverageLogSelf(),
        VarNode<Bernoulli> n => n.SumAverageLogSelf(),
        VarNode<Discrete> n => n.SumAverageLogSelf(),
        VarNode<Dirichlet> n => n.SumAverageLogSelf(),
        VarNode<VectorGaussian> n => n.SumAverageLogSelf(),
        VarNode<Wishart> n => n.SumAverageLogSelf(),
        _ => 0,
    };
}
