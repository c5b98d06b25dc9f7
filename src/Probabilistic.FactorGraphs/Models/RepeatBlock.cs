using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models;

public abstract partial class Variable
{
    /// <summary>
    /// Raises the factors created in the block to the power <paramref name="count"/> (Infer.NET's <c>Variable.Repeat</c>):
    /// tempered or weighted data, <c>using (Variable.Repeat(2.5)) x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);</c>.
    /// </summary>
    public static ModelBlock Repeat(double count) => Repeat(Constant(count));

    /// <summary>
    /// Raises the factors created in the block to an observed power, per element inside a ForEach block
    /// (<c>using (Variable.Repeat(weight[n]))</c>). Supported: factors on observed data (or constraints) reading variables
    /// created outside the block; blocks nested in a gate or in another Repeat are refused.
    /// </summary>
    public static ModelBlock Repeat(Variable<double> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        if (ModelStack.Repeats.Any()) throw new NotSupportedException("A Variable.Repeat block inside another is not supported; multiply the counts into one block.");
        if (ModelStack.CurrentGate is { } g) throw new NotSupportedException($"A Variable.Repeat block inside the gate on '{g.Selector.Name}' is not supported; put the gate inside the Repeat block's model, or weight the data outside gates.");
        return new ModelBlock(new RepeatFrame(count, Volatile.Read(ref _nextId)));
    }

    /// <summary>This variable's copy inside a Repeat block, which raises the messages leaving the block to the count.</summary>
    internal abstract Variable EnteredCopy(Variable<double> count);
}

public partial class Variable<T>
{
    internal override Variable EnteredCopy(Variable<double> count) => DerivedWith<T>(RepeatFactor.Definition, null, this, count);
}

/// <summary>
/// An open Repeat block: its count, and the last variable id before it opened (variables with a larger id were created
/// inside). Infer.NET's power plate: a factor created inside reads each random variable from outside through a copy made
/// by <see cref="RepeatFactor"/>, which raises the messages leaving the block to the count.
/// </summary>
internal sealed record RepeatFrame(Variable<double> Count, int LastIdBefore)
{
    /// <summary>The arguments of a factor created now, those from outside the open Repeat block replaced by their powered copies.</summary>
    internal static Variable[] EnterArguments(FactorDefinition definition, Variable[] args)
    {
        var frame = ModelStack.Repeats.LastOrDefault();
        if (frame is null || ReferenceEquals(definition, RepeatFactor.Definition)) return args;
        var entered = (Variable[])args.Clone();
        for (int k = 0; k < entered.Length; k++)
        {
            var a = entered[k];
            var root = a;
            while (root.ArrayParent is { } p) root = p;
            if (root.Id > frame.LastIdBefore || root.IsObserved || ReferenceEquals(a, frame.Count)) continue;
            entered[k] = a.EnteredCopy(frame.Count);
        }
        return entered;
    }
}
