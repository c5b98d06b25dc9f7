namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// A factor of the compiled graph, replicated over its plate (<see cref="Count"/> instances, one loop). A factor class
/// describes itself: its ports, its EP messages (<see cref="EpSend"/>) and evidence (<see cref="EpLogZ"/>), its VMP messages
/// (<see cref="VmpSend"/>) and expected log (<see cref="VmpAverageLog"/>), and which algorithm it refuses with what reason.
/// It reaches variables only through its ports.
/// </summary>
internal abstract class FactorNode
{
    internal FactorNode(string description) { Description = description; }

    internal string Description { get; }
    internal PlateSpace Space { get; set; } = new([]);
    internal int Count { get; private set; } = 1;

    /// <summary>The innermost gate the factor sits in (its parents are the enclosing gates), or null.</summary>
    internal GateBinding? Gate { get; set; }

    /// <summary>
    /// Whether instance i's cases all hold (with some weight): true outside gates; under observed selectors, whether the
    /// instance's case is the one observed (a truncation inside such a gate acts only there).
    /// </summary>
    internal bool InTakenCase(int i)
    {
        for (var g = Gate; g is not null; g = g.Parent)
            if (g.Weight(i) == 0) return false;
        return true;
    }

    internal abstract IReadOnlyList<IPort> Ports { get; }

    /// <summary>The port of the variable the factor defines, or null (a constraint).</summary>
    internal IPort? Output => Ports.FirstOrDefault(p => p.IsOutput);

    internal virtual void Allocate()
    {
        Count = Space.Count;
        for (var g = Gate; g is not null; g = g.Parent) g.BindMap();
        foreach (var p in Ports) p.Allocate(Count);
    }

    /// <summary>Called after every port is allocated and observed values are bound (fast paths read their statistics here).</summary>
    internal virtual void Prepare() { }

    // ---- expectation propagation ----

    /// <summary>Why ExpectationPropagation cannot run this factor as compiled (null: it can).</summary>
    internal virtual string? EpRefusal => null;

    /// <summary>
    /// True for a port whose EP message reads this factor's own previous message to it (a Laplace approximation at the
    /// port's posterior): in a gate its message is sent after the others' and its exit opens the next sweep, the order
    /// Infer.NET's scheduler gives such an operator.
    /// </summary>
    internal virtual bool IsEpLagged(IPort port) => false;

    /// <summary>Replaces this factor's EP message to <paramref name="target"/> at instance <paramref name="i"/>.</summary>
    internal abstract void EpSend(IPort target, int i);

    /// <summary>The EP message to <paramref name="target"/> for every instance, then the marginal update (one loop of the schedule).</summary>
    internal virtual void EpSendAll(IPort target)
    {
        for (int i = 0; i < Count; i++) EpSend(target, i);
        target.Commit();
    }

    /// <summary>log ∫ f Π (unnormalised contexts) for instance i.</summary>
    internal abstract double EpLogZ(int i);

    /// <summary>
    /// This factor's share of the EP log evidence: Σ_i [log ∫ f_i Π contexts − Σ_ports A(q)] (Minka 2001; the variables add
    /// Σ_v A(q_v) once each).
    /// </summary>
    internal virtual double EpEvidenceTerm()
    {
        double s = 0;
        for (int i = 0; i < Count; i++) s += EpEvidenceAt(i);
        return s;
    }

    /// <summary>Instance i's share of the EP log evidence.</summary>
    internal double EpEvidenceAt(int i)
    {
        double s = EpLogZ(i);
        foreach (var p in Ports) s -= p.LogNormalizerAt(i);
        return s;
    }

    // ---- variational message passing ----

    /// <summary>Why VariationalMessagePassing cannot run this factor as compiled (null: it can).</summary>
    internal virtual string? VmpRefusal => $"The {Description} factor has no VariationalMessagePassing operator; use ExpectationPropagation for this model.";

    /// <summary>Multiplies this factor's VMP messages into <paramref name="target"/>'s accumulator, each raised to its weight w[i] (null: 1).</summary>
    internal virtual void VmpSend(IPort target, double[]? w) => throw new NotSupportedException(VmpRefusal);

    /// <summary>Σ_i w_i E_q[log f_i].</summary>
    internal virtual double VmpAverageLogSum(double[]? w)
    {
        double s = 0;
        for (int i = 0; i < Count; i++) s += (w?[i] ?? 1) * VmpAverageLog(i);
        return s;
    }

    /// <summary>E_q[log f] for instance i.</summary>
    internal virtual double VmpAverageLog(int i) => throw new NotSupportedException(VmpRefusal);

    /// <summary>
    /// True for factors c = f(args). Under VMP a random output is collapsed: its q is the push-forward <see cref="VmpForward"/>
    /// of its arguments' q, it has no entropy term and the factor no E[log f] term (Winn &amp; Bishop 2005, deterministic nodes).
    /// </summary>
    internal virtual bool IsDeterministic => false;

    /// <summary>
    /// True when a deterministic factor's output combines its arguments (a + b), so that under VMP two arguments depending
    /// on one variable would be wrongly treated as independent; false for an exit, whose output is one argument or another.
    /// </summary>
    internal virtual bool CombinesArguments => true;

    /// <summary>
    /// The (port, instance) pairs whose values one output value combines, for the VMP check that they depend on distinct
    /// variables: by default each instance's argument ports.
    /// </summary>
    internal virtual IEnumerable<(IPort Port, int Instance)[]> CombinedArguments()
    {
        var args = Ports.Where(p => !p.IsOutput).ToArray();
        for (int i = 0; i < Count; i++)
        {
            // a loop, not Select: LINQ over a value tuple is not precompiled by ReadyToRun
            var pairs = new (IPort Port, int Instance)[args.Length];
            for (int k = 0; k < args.Length; k++) pairs[k] = (args[k], i);
            yield return pairs;
        }
    }

    /// <summary>Sets a collapsed output's marginals to the push-forward of the arguments' current marginals.</summary>
    internal virtual void VmpForward() { }

    /// <summary>
    /// For a deterministic factor that is affine in one argument (c = a ± b, c = k·a): c at instance i as α·arg + β with the
    /// argument's port, or null when it is not affine (VMP's truncation of an observed IsPositive reaches through these).
    /// </summary>
    internal virtual (Port<Distributions.Gaussian> Arg, double Alpha, double Beta)[]? AffineParts(int i) => null;

    internal static string Where(IPort p) => $"'{p.Node.Name}'";

    /// <inheritdoc/>
    public override string ToString() => Description;
}
