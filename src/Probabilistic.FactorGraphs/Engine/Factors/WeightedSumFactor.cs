using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The shared core of factors whose output elements are weighted sums of array elements, s_j = Σ_{i ∈ G_j} c_i x_{e(i)}
/// (<see cref="SumFactor"/>, and each entry of a matrix product). The factor is replicated over the ranges of its output
/// and of the summed index, one instance per term; <see cref="Groups"/> gathers the instances of each output element, and
/// every message is computed per group (<see cref="WeightedSumOp"/>): the message to s_j sits on the group's first
/// instance, the others' stay the unit message.
/// </summary>
/// <remarks>
/// Under VMP the terms are coupled (each one's message reads the others' means), so a parallel update of x could overshoot
/// and even diverge. The messages to x are therefore those of a sequential (Gauss–Seidel) sweep over x's elements: each
/// element's new q is the product of its other messages and this factor's, and its new mean enters the next element's
/// message. When this factor is x's last port, its other messages are exactly those accumulated for the same update, so
/// the sweep is exact coordinate ascent and the bound cannot fall; otherwise they are x's current marginal divided by this
/// factor's previous messages (Infer.NET's FastSumOp does the same), which reaches the same fixed point.
/// </remarks>
internal abstract class WeightedSumFactor : FactorNode
{
    private int[][] _groups = [];
    private int[][] _byElement = [];
    private Gaussian[] _lastVmp = [];

    protected WeightedSumFactor(string description) : base(description) { }

    /// <summary>The port of the sums s.</summary>
    protected abstract Port<Gaussian> Sum { get; }

    /// <summary>The port of the random terms x.</summary>
    protected abstract Port<Gaussian> Terms { get; }

    /// <summary>The coefficient c_i of instance i (read after observed values are bound).</summary>
    protected abstract double Coefficient(int i);

    /// <summary>The instances of each output element, in instance order.</summary>
    protected int[][] Groups => _groups;

    internal override void Prepare()
    {
        _groups = Arrays.GroupByKey(Count, Sum.Index);
        _byElement = Terms.IsObserved ? [] : Arrays.GroupByKey(Count, Terms.Index);
        if (_lastVmp.Length != Count) _lastVmp = new Gaussian[Count];
        Arrays.Fill(_lastVmp, Gaussian.Uniform());
    }

    private (Gaussian[] Ctx, double[] C) Contexts(int[] g)
    {
        var ctx = new Gaussian[g.Length];
        var c = new double[g.Length];
        for (int k = 0; k < g.Length; k++) { ctx[k] = Terms.Context(g[k]); c[k] = Coefficient(g[k]); }
        return (ctx, c);
    }

    // ---- EP ----

    internal override string? EpRefusal => Gate is null ? null : GateRefusal;

    private string GateRefusal =>
        $"The {Description} factor sums over a whole array and cannot sit inside a gate (If, Case, Switch); compute it outside the gate and use the result inside.";

    internal override void EpSendAll(IPort target)
    {
        foreach (var g in _groups)
        {
            var (ctx, c) = Contexts(g);
            if (ReferenceEquals(target, Sum)) Sum.SetMessage(g[0], WeightedSumOp.SumAverageConditional(ctx, c));
            else
            {
                var msgs = new Gaussian[g.Length];
                WeightedSumOp.ArrayAverageConditional(Sum.Context(g[0]), ctx, c, msgs);
                for (int k = 0; k < g.Length; k++) Terms.SetMessage(g[k], msgs[k]);
            }
        }
        target.Commit();
    }

    internal override void EpSend(IPort target, int i) =>
        throw new NotSupportedException($"The {Description} factor sends its messages a whole group at a time.");

    internal override double EpLogZ(int i) => throw new NotSupportedException($"The {Description} factor's evidence is per group.");

    /// <summary>Σ over groups of log ∫ f Π contexts − Σ of the log normalisers of the marginals it touches.</summary>
    internal override double EpEvidenceTerm()
    {
        double s = 0;
        foreach (var g in _groups)
        {
            var (ctx, c) = Contexts(g);
            s += WeightedSumOp.LogAverageFactor(Sum.Context(g[0]), ctx, c) - Sum.LogNormalizerAt(g[0]);
            foreach (int i in g) s -= Terms.LogNormalizerAt(i);
        }
        return s;
    }

    // ---- VMP ----

    internal override string? VmpRefusal
    {
        get
        {
            if (Gate is not null) return GateRefusal;
            if (Sum.IsObserved && !Terms.IsObserved)
                return $"Under VariationalMessagePassing the {Description} factor's output '{Sum.Node.Name}' is observed exactly, which confines the random terms of '{Terms.Node.Name}' to a hyperplane that a factorised q cannot represent (its bound is −∞ for every q). Add noise (Variable.GaussianFromMeanAndVariance(..., noise)) and observe that, or use ExpectationPropagation.";
            return null;
        }
    }

    /// <summary>Each output element combines its group's terms: under VMP they must not depend on one variable.</summary>
    internal override IEnumerable<(IPort Port, int Instance)[]> CombinedArguments()
    {
        // loops, not Select: LINQ over a value tuple is not precompiled by ReadyToRun
        foreach (var g in _groups)
        {
            var pairs = new (IPort Port, int Instance)[g.Length];
            for (int k = 0; k < g.Length; k++) pairs[k] = (Terms, g[k]);
            yield return pairs;
        }
    }

    /// <summary>Terms computed by deterministic factors (a sum of products, as in Matchbox): collapsed, not updated here.</summary>
    private bool TermsCollapsed => Terms.Random is { } x && x.Ports.Any(p => p.IsOutput && p.Factor.IsDeterministic);

    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        var marginal = Sum.Random!.Marginal;
        foreach (var g in _groups)
        {
            var q = new Gaussian[g.Length];
            var c = new double[g.Length];
            for (int k = 0; k < g.Length; k++) { q[k] = Terms.Marginal(g[k]); c[k] = Coefficient(g[k]); }
            marginal[Sum.Index(g[0])] = WeightedSumOp.SumAverageLogarithm(q, c);
        }
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var x = Terms.Random!;
        var back = Collapsed.Backward(Sum.Random!);
        // running sums Σ c E[x] per group, and each element's mean as the sweep moves on
        var mean = new double[x.Count];
        for (int e = 0; e < x.Count; e++) mean[e] = x.Marginal[e].GetMean();
        var groupOf = new int[Count];
        var running = new double[_groups.Length];
        for (int gi = 0; gi < _groups.Length; gi++)
            foreach (int i in _groups[gi]) { groupOf[i] = gi; running[gi] += Coefficient(i) * mean[Terms.Index(i)]; }
        if (TermsCollapsed)
        {
            // the terms' q is the push-forward of their arguments' (checked at bind time to depend on distinct
            // variables), so each term's message uses the others' current means and the sweep happens further back
            for (int i = 0; i < Count; i++)
            {
                int gi = groupOf[i];
                double c = Coefficient(i);
                Terms.AddVmp(i, WeightedSumOp.ArrayAverageLogarithm(back[Sum.Index(_groups[gi][0])], c, running[gi] - c * mean[Terms.Index(i)]));
            }
            return;
        }
        bool last = ReferenceEquals(x.Ports[^1], Terms);
        foreach (var inst in _byElement)
        {
            int e = Terms.Index(inst[0]);
            var q = last ? x.Accumulator[e] : x.Marginal[e];
            foreach (int i in inst)
            {
                int gi = groupOf[i];
                double c = Coefficient(i);
                var msg = WeightedSumOp.ArrayAverageLogarithm(back[Sum.Index(_groups[gi][0])], c, running[gi] - c * mean[e]);
                if (!last) q /= _lastVmp[i];
                q *= msg;
                _lastVmp[i] = msg;
                Terms.AddVmp(i, msg);
            }
            if (!q.IsProper()) continue;
            double updated = q.GetMean();
            foreach (int i in inst) running[groupOf[i]] += Coefficient(i) * (updated - mean[e]);
            mean[e] = updated;
        }
    }

    internal override double VmpAverageLog(int i) => 0;
}
