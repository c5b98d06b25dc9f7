using System.Diagnostics.CodeAnalysis;

using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The cases of one selector (Minka &amp; Winn, "Gates", NIPS 2008): every If / IfNot / Case / Switch block on the same
/// selector expression under the same enclosing case forms one group, one instance per selector element. An instance is
/// a compound factor f_j(x, z_j) = Π_c (Π_{case c} f)^[z_j = c] over the variables its cases touch.
/// <para>
/// Two kinds, by what the cases touch. An <b>exact</b> gate's factors touch only variables created inside its cases and
/// observed values: each case is a sub-model whose EP evidence Z_c is the message to the selector, and its variables hold
/// their posteriors given the case. A <b>projected</b> gate's factors also touch variables living outside it: each such
/// element is entered into every case as a copy starting at its cavity, and the gate's message to it is the moment-matched
/// projection of the mixture Σ_c q(z_j = c) q_c(x) divided by the cavity (<see cref="GateSlot"/>). Variables defined
/// differently in each case (conditional probability tables) are exited the same way. Nested gates are members of the
/// case they sit in.
/// </para>
/// <para>
/// Under VMP a group holds no state of its own: each case's share of the bound, L_c = Σ E[log f] + Σ H(q(local)) over its
/// factors and variables (nested groups adding Σ_c' q(c') L_c'), is the selector's message, and the gated factors'
/// messages to variables outside a case are raised to q(case).
/// </para>
/// </summary>
internal sealed partial class GateGroup
{
    private Instance[] _instances = [];

    private GateGroup(string key, VarNode selector, int cases, GateGroup? parent, int parentCase)
    {
        Key = key;
        Selector = selector;
        Cases = cases;
        Parent = parent;
        ParentCase = parentCase;
        Description = $"gate on '{selector.Name}'";
        if (selector is VarNode<Bernoulli> b) BoolPort = new GatePort<Bernoulli>(b);
        else if (selector is VarNode<Discrete> d) IntPort = new GatePort<Discrete>(d);
    }

    internal string Key { get; }
    internal string Description { get; }
    internal VarNode Selector { get; }

    /// <summary>Number of selector values; for an observed int selector, one more stands for every value no case names.</summary>
    internal int Cases { get; }
    internal GateGroup? Parent { get; }
    internal int ParentCase { get; }

    /// <summary>The block of each case (null for a case no block names, or the cases of a Switch).</summary>
    internal GateFrame?[] FrameOfCase { get; private set; } = [];
    internal List<FactorNode> Members { get; } = [];
    internal List<GateGroup> Children { get; } = [];
    internal int Count => _instances.Length;

    /// <summary>True when some case touches a variable living outside the gate (EP projects through it).</summary>
    internal bool IsProjected { get; private set; }

    private GatePort<Bernoulli>? BoolPort { get; }
    private GatePort<Discrete>? IntPort { get; }

    /// <summary>One selector element: its factor instances, nested group instances, local elements and slots per case.</summary>
    private sealed class Instance
    {
        // Built by plain loops over non-generic code, and the slots keyed by variable, then element, rather than by a
        // (VarNode, int) tuple: generic code instantiated over a value tuple (a LINQ helper over it, a Dictionary keyed on
        // it) is not precompiled by ReadyToRun, so every fresh process would JIT it before its first answer.
        internal List<(FactorNode F, int I)>[] Members { get; }
        internal List<(GateGroup G, int K)>[] Children { get; }
        internal List<(VarNode Node, int Element)>[] Locals { get; }
        internal List<GateSlot> Slots { get; } = [];
        private readonly Dictionary<VarNode, Dictionary<int, GateSlot>> _slotOf = [];
        internal int ParentInstance { get; set; } = -1;
        internal bool Active { get; set; }
        internal double LogZ { get; set; }
        internal double[] CaseLogEvidence { get; }

        internal Instance(int cases)
        {
            Members = new List<(FactorNode F, int I)>[cases];
            Children = new List<(GateGroup G, int K)>[cases];
            Locals = new List<(VarNode Node, int Element)>[cases];
            for (int c = 0; c < cases; c++)
            {
                Members[c] = [];
                Children[c] = [];
                Locals[c] = [];
            }
            CaseLogEvidence = new double[cases];
        }

        /// <summary>The slot through which this instance's cases see element <paramref name="element"/> of an outside variable.</summary>
        internal bool TryGetSlot(VarNode node, int element, [MaybeNullWhen(false)] out GateSlot slot)
        {
            slot = null;
            return _slotOf.TryGetValue(node, out var byElement) && byElement.TryGetValue(element, out slot);
        }

        internal void SetSlot(VarNode node, int element, GateSlot slot)
        {
            if (!_slotOf.TryGetValue(node, out var byElement)) _slotOf[node] = byElement = [];
            byElement[element] = slot;
        }
    }

    /// <summary>The slot through which selector element j's cases see element <paramref name="element"/> of an outside variable, or null.</summary>
    internal GateSlot? SlotOf(int j, VarNode node, int element) =>
        (uint)j < (uint)_instances.Length && _instances[j].TryGetSlot(node, element, out var slot) ? slot : null;

    /// <summary>Factor instance i's case frame, ignoring the Switch value.</summary>
    private static bool SameFrame(GateFrame? a, GateFrame b) => a is not null && Equals(a, b);

    /// <summary>True when the variable lives in case c of this group (or deeper).</summary>
    private bool IsLocal(VarNode node, int c) => FrameOfCase[c] is { } f && node.LivesInside(f);
}
