using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>A gate group's EP messages to its random selector, one per selector element (= group instance).</summary>
internal sealed class GatePort<T>(VarNode<T> node) where T : struct, IExponentialFamily<T>
{
    private T[] _messages = Arrays.Empty<T>();

    internal VarNode<T> Node => node;

    internal void Allocate()
    {
        if (_messages.Length != node.Count) _messages = new T[node.Count];
        Arrays.Fill(_messages, node.Unit);
    }

    internal T Context(int j) => node.Marginal[j] / _messages[j];

    internal void SetMessage(int j, T message)
    {
        node.Marginal[j] = node.Marginal[j] / _messages[j] * message;
        _messages[j] = message;
    }

    internal double LogNormalizerAt(int j) => node.Marginal[j].GetLogNormalizer();
}
