using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// For factors whose distribution type is that of the variable they copy or compare (Copy, Subarray, ConstrainEqual): the
/// type of a random node's marginals, and a call of a generic factory method at that type. Open to every distribution
/// type (a new one needs nothing here); the modelling layer knows only the value type (double may be Gaussian, Gamma or Beta).
/// </summary>
internal static class TypedFactory
{
    /// <summary>T of a <see cref="VarNode{T}"/>, or null for an observed node.</summary>
    internal static Type? DistributionOf(VarNode node) =>
        node.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(VarNode<>) ? t.GetGenericArguments()[0] : null;

    /// <summary>
    /// Calls the static generic method <paramref name="method"/> of <paramref name="owner"/> (one type parameter, the
    /// distribution) at <paramref name="distribution"/>; exceptions it throws come out as thrown.
    /// </summary>
    internal static TResult Call<TResult>(Type owner, string method, Type distribution, params object[] args)
    {
        var generic = owner.GetMethod(method, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"{owner.Name} has no method {method}.");
        try
        {
            return (TResult)generic.MakeGenericMethod(distribution).Invoke(null, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>A random node of the same distribution type and shape as <paramref name="like"/>, for <paramref name="source"/>.</summary>
    internal static VarNode NodeLike(VarNode like, Models.Variable source, string refusal) =>
        DistributionOf(like) is { } t ? Call<VarNode>(typeof(TypedFactory), nameof(Make), t, like, source) : throw new NotSupportedException(refusal);

    private static VarNode Make<T>(VarNode like, Models.Variable source) where T : struct, Distributions.IExponentialFamily<T> =>
        new VarNode<T>(source, ((VarNode<T>)like).Uniform);
}
