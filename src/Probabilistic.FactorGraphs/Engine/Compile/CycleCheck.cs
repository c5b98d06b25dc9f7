namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Finds variables defined in terms of themselves. At compile time the check is per variable (cheap, usually empty); a
/// variable on such a cycle may still be a chain over its elements (x[n] ~ N(x[prev[n]], 1)), so the final check runs
/// over elements at bind time, when index arrays are known.
/// </summary>
internal static class CycleCheck
{
    /// <summary>Random variables on a cycle of definitions (a variable's defining factor reads a variable that depends on it).</summary>
    internal static HashSet<VarNode> CyclicNodes(CompiledModel model)
    {
        var inputs = model.Variables.ToDictionary(v => v, _ => new List<VarNode>());
        foreach (var f in model.Factors)
            foreach (var output in f.Ports.Where(p => p.IsOutput && !p.IsObserved).Select(p => p.Node))
                foreach (var p in f.Ports)
                    if (!p.IsOutput && !p.IsObserved) inputs[output].Add(p.Node);

        // Tarjan's strongly connected components, iteratively
        var index = new Dictionary<VarNode, int>();
        var low = new Dictionary<VarNode, int>();
        var onStack = new HashSet<VarNode>();
        var stack = new Stack<VarNode>();
        var cyclic = new HashSet<VarNode>();
        int counter = 0;
        foreach (var root in model.Variables)
        {
            if (index.ContainsKey(root)) continue;
            // the depth-first path: node and next edge to follow, as two lists (a Stack<(VarNode, int)> is a generic
            // instantiation ReadyToRun cannot precompile, JIT-compiled at every fresh process's first model)
            var workNode = new List<VarNode> { root };
            var workNext = new List<int> { 0 };
            index[root] = low[root] = counter++;
            stack.Push(root); onStack.Add(root);
            while (workNode.Count > 0)
            {
                int top = workNode.Count - 1;
                var v = workNode[top];
                int next = workNext[top];
                workNode.RemoveAt(top); workNext.RemoveAt(top);
                var edges = inputs[v];
                if (next < edges.Count)
                {
                    workNode.Add(v); workNext.Add(next + 1);
                    var w = edges[next];
                    if (!index.ContainsKey(w))
                    {
                        index[w] = low[w] = counter++;
                        stack.Push(w); onStack.Add(w);
                        workNode.Add(w); workNext.Add(0);
                    }
                    else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
                    continue;
                }
                if (workNode.Count > 0) { var parent = workNode[^1]; low[parent] = Math.Min(low[parent], low[v]); }
                if (low[v] != index[v]) continue;
                var component = new List<VarNode>();
                VarNode x;
                do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (!ReferenceEquals(x, v));
                if (component.Count > 1 || inputs[v].Contains(v)) cyclic.UnionWith(component);
            }
        }
        return cyclic;
    }

    /// <summary>Refuses a model in which some element is defined in terms of itself, naming the cycle.</summary>
    internal static void CheckElements(CompiledModel model, HashSet<VarNode> cyclic)
    {
        if (cyclic.Count == 0) return;
        // element → the elements its defining factor instances read
        var edges = new Dictionary<(VarNode, int), List<(VarNode, int, string)>>();
        foreach (var f in model.Factors)
        {
            var output = f.Ports.FirstOrDefault(p => p.IsOutput && cyclic.Contains(p.Node));
            if (output is null) continue;
            var reads = f.Ports.Where(p => !p.IsOutput && cyclic.Contains(p.Node)).ToList();
            for (int i = 0; i < f.Count; i++)
            {
                var key = (output.Node, output.ElementIndex(i));
                if (!edges.TryGetValue(key, out var list)) edges[key] = list = [];
                foreach (var p in reads) list.Add((p.Node, p.ElementIndex(i), f.Description));
            }
        }
        var state = new Dictionary<(VarNode, int), int>(); // 1: on the path, 2: done
        foreach (var start in edges.Keys)
        {
            if (state.ContainsKey(start)) continue;
            var path = new List<((VarNode, int) Element, int Next)> { (start, 0) };
            state[start] = 1;
            while (path.Count > 0)
            {
                var (e, next) = path[^1];
                var outs = edges.TryGetValue(e, out var l) ? l : [];
                if (next >= outs.Count) { state[e] = 2; path.RemoveAt(path.Count - 1); continue; }
                path[^1] = (e, next + 1);
                var (n, j, factor) = outs[next];
                var target = (n, j);
                if (state.TryGetValue(target, out int s))
                {
                    if (s == 1) throw Cycle(path.Select(p => p.Element).SkipWhile(p => p != target).Append(target).ToList(), factor);
                    continue;
                }
                state[target] = 1;
                path.Add((target, 0));
            }
        }
    }

    private static NotSupportedException Cycle(List<(VarNode Node, int Element)> cycle, string factor)
    {
        string Name((VarNode Node, int Element) e) => e.Node.Count == 1 && e.Node.Space.Rank == 0 ? $"'{e.Node.Name}'" : $"'{e.Node.Name}'[{e.Element}]";
        var shown = cycle.Count > 8 ? cycle.Take(4).Select(Name).Append("…").Concat(cycle.TakeLast(3).Select(Name)) : cycle.Select(Name);
        return new NotSupportedException(
            $"{Name(cycle[0])} is defined in terms of itself ({string.Join(" ← ", shown)}, through the {factor} factor): a model with a cycle of definitions cannot be run by ExpectationPropagation or VariationalMessagePassing. Give the start of the chain its own prior so that no element depends on itself.");
    }
}
