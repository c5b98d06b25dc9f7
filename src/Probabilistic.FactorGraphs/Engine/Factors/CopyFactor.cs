using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// A copy of <paramref name="x"/>: a second variable equal to it (Infer.NET's <c>Variable.Copy</c>), e.g. to give a
        /// variable a second name or to read it with its own InitialiseTo. The copy's distribution type is x's.
        /// </summary>
        public static Variable<T> Copy<T>(Variable<T> x) => Derived<T>(CopyFactor.Definition, x);

        /// <summary>An array copy of <paramref name="x"/>, element by element, over the same range.</summary>
        public static VariableArray<T> Copy<T>(VariableArray<T> x)
        {
            ArgumentNullException.ThrowIfNull(x);
            var copy = Array<T>(x.Range);
            copy[x.Range] = Derived<T>(CopyFactor.Definition, x[x.Range]);
            return copy;
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>c = a, of a's distribution type (a copy of a random variable).</summary>
    internal static class CopyFactor
    {
        internal static readonly FactorDefinition Definition = new("Copy", Build, Output);

        /// <summary>The node of the copy: a's type and shape (a must be random).</summary>
        internal static VarNode Output(FactorBuilder b) => TypedFactory.NodeLike(b.NodeOf(b.Arg(0)), b.OutputBase,
            $"The {b.Spec.Definition.Name} factor copies '{b.Arg(0).Name}', which is observed: its copy is the observed value itself; use '{b.Arg(0).Name}' directly.");

        /// <summary>The node, of the copy's type (the original's when the copy is observed).</summary>
        internal static FactorNode Build(FactorBuilder b)
        {
            var random = b.NodeOf(b.Output) is { IsObserved: false } c ? c : b.NodeOf(b.Arg(0));
            var type = TypedFactory.DistributionOf(random)
                ?? throw new NotSupportedException($"The {b.Spec.Definition.Name} factor copies '{b.Arg(0).Name}' to '{b.OutputBase.Name}', and both are observed; compare the values directly.");
            return TypedFactory.Call<FactorNode>(typeof(CopyFactor), nameof(Make), type, b);
        }

        private static FactorNode Make<T>(FactorBuilder b) where T : struct, IExponentialFamily<T> => new CopyFactor<T>(b);
    }

    /// <summary>
    /// c = a, a deterministic factor δ(c − a): EP passes each side the other's context (exact); VMP collapses c onto a's q
    /// and sends a the messages c receives. An observed c makes a that point (a point-mass message).
    /// </summary>
    internal sealed class CopyFactor<T> : FactorNode where T : struct, IExponentialFamily<T>
    {
        private readonly IReadOnlyList<IPort> _ports;

        internal CopyFactor(FactorBuilder b) : base(b.Description)
        {
            var like = (b.NodeOf(b.Output) as VarNode<T> ?? (VarNode<T>)b.NodeOf(b.Arg(0))).Uniform;
            C = b.Port(this, b.Output, "copy", like);
            A = b.Port(this, b.Arg(0), "value", like);
            _ports = [C, A];
        }

        internal Port<T> C { get; }
        internal Port<T> A { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void EpSend(IPort target, int i)
        {
            if (ReferenceEquals(target, C)) C.SetMessage(i, CopyOp.CopyAverageConditional(A.Context(i)));
            else A.SetMessage(i, CopyOp.CopyAverageConditional(C.Context(i)));
        }

        internal override double EpLogZ(int i) => CopyOp.LogAverageFactor(A.Context(i), C.Context(i));

        internal override string? VmpRefusal => null;

        internal override bool IsDeterministic => true;

        // the combination rule of Collapsed does not apply: one argument, passed through
        internal override bool CombinesArguments => false;

        internal override void VmpForward()
        {
            for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = A.Marginal(i);
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            var back = C.IsObserved ? null : Collapsed.Backward(C.Random!);
            for (int i = 0; i < Count; i++)
            {
                var m = back is null ? C.Marginal(i) : back[C.Index(i)];
                A.AddVmp(i, w is null ? m : m.Pow(w[i]));
            }
        }

        internal override double VmpAverageLog(int i) => 0;
    }
}
