#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using System.Collections;
using System.Globalization;
using System.Reflection;

// What the idiom models share with both harnesses: the recorder interface, the [Idiom] attribute, the catalogue
// (reflection over [Idiom] methods) and the runner. Seeded data come from Probabilistic.FactorGraphs.Samples.SampleRandom,
// a generator of our own that the oracle compiles from source, so both libraries see identical data. This
// file compiles against Infer.NET (tools/InferNetOracle, INFERNET defined) and against our library (the test project).
namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Receives a model's results: a distribution, an array of them (1-D, jagged or 2-D), a double or a double[].</summary>
public interface IIdiomRecorder
{
    /// <summary>Records <paramref name="value"/> under <paramref name="name"/>.</summary>
    void Add(string name, object value);
}

/// <summary>An inference algorithm an idiom model runs under.</summary>
public enum IdiomAlgorithm
{
    /// <summary>Expectation propagation.</summary>
    EP,

    /// <summary>Variational message passing.</summary>
    VMP,
}

/// <summary>
/// Marks <c>public static void Name(InferenceEngine engine, IIdiomRecorder record)</c> as a catalogue model, run under each
/// listed algorithm (every one Infer.NET supports for it; a refusal by Infer.NET is kept in its fixture).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class IdiomAttribute : Attribute
{
    /// <summary>The model runs under each of <paramref name="algorithms"/>.</summary>
    public IdiomAttribute(params IdiomAlgorithm[] algorithms)
    {
        if (algorithms is null || algorithms.Length == 0)
            throw new ArgumentException("An idiom runs under at least one algorithm.", nameof(algorithms));
        Algorithms = algorithms;
    }

    /// <summary>The algorithms, in fixture order.</summary>
    public IReadOnlyList<IdiomAlgorithm> Algorithms { get; }

    /// <summary>The engine's NumberOfIterations (Infer.NET's default is 50).</summary>
    public int NumberOfIterations { get; set; } = 50;
}

/// <summary>One model of the catalogue under one algorithm; <see cref="Id"/> names its fixture file.</summary>
public sealed record IdiomCase(MethodInfo Method, IdiomAlgorithm Algorithm, int Iterations)
{
    /// <summary>"Class.Method".</summary>
    public string Model => Method.DeclaringType!.Name + "." + Method.Name;

    /// <summary>"Class.Method.EP": the fixture's file name without ".json".</summary>
    public string Id => Model + "." + Algorithm;
}

/// <summary>The catalogue: every [Idiom] model in an assembly, and how to run one.</summary>
public static class IdiomCatalog
{
    /// <summary>Every model × algorithm in <paramref name="assembly"/>, ordered by fixture id.</summary>
    public static IReadOnlyList<IdiomCase> Cases(Assembly assembly)
    {
        var cases = new List<IdiomCase>();
        foreach (var type in assembly.GetTypes())
        {
            if (type.Namespace != typeof(IdiomCatalog).Namespace) continue;
            foreach (var m in type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                if (m.GetCustomAttribute<IdiomAttribute>() is not { } idiom) continue;
                var p = m.GetParameters();
                if (p.Length != 2 || p[0].ParameterType != typeof(InferenceEngine) || p[1].ParameterType != typeof(IIdiomRecorder))
                    throw new InvalidOperationException(
                        $"[Idiom] {type.Name}.{m.Name} must take (InferenceEngine engine, IIdiomRecorder record).");
                foreach (var a in idiom.Algorithms) cases.Add(new IdiomCase(m, a, idiom.NumberOfIterations));
            }
        }
        cases.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));
        return cases;
    }

    /// <summary>A fresh engine for <paramref name="algorithm"/> with <paramref name="iterations"/> sweeps.</summary>
    public static InferenceEngine CreateEngine(IdiomAlgorithm algorithm, int iterations)
    {
        var engine = algorithm == IdiomAlgorithm.EP
            ? new InferenceEngine(new ExpectationPropagation())
            : new InferenceEngine(new VariationalMessagePassing());
        engine.NumberOfIterations = iterations;
        engine.ShowProgress = false;
        return engine;
    }

    /// <summary>Runs the model on <paramref name="engine"/>; the model's own exception is rethrown unwrapped.</summary>
    public static void Run(IdiomCase c, InferenceEngine engine, IIdiomRecorder record)
    {
        try
        {
            c.Method.Invoke(null, [engine, record]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}

/// <summary>
/// Turns recorded results into canonical numbers, the same keys on both sides: arrays flattened as <c>name[i]</c>
/// (jagged <c>name[i][j]</c>, 2-D <c>name[i,j]</c>), a distribution's numbers as <c>name.field</c> (<c>name.cov[0,1]</c>),
/// matrices and vectors as <c>name[i,j]</c> and <c>name[i]</c>.
/// Each side supplies the distribution part for its own types.
/// </summary>
public abstract class CanonicalRecorder : IIdiomRecorder
{
    private readonly List<KeyValuePair<string, double>> _values = [];
    private readonly HashSet<string> _keys = [];

    /// <summary>Every number recorded, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Values => _values;

    /// <inheritdoc/>
    public void Add(string name, object value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0 || name.IndexOfAny(['.', '[', ']', ',']) >= 0)
            throw new ArgumentException($"A result name is a plain word (keys append '[i]' and '.field'); got '{name}'.", nameof(name));
        Flatten(name, value);
    }

    private void Flatten(string key, object value)
    {
        switch (value)
        {
            case double d: Put(key, d); return;
            case float f: Put(key, f); return;
            case int i: Put(key, i); return;
            case bool b: Put(key, b ? 1 : 0); return;
        }
        if (AddDistribution(key, value, Put)) return;
        if (value is Array { Rank: 2 } grid)
        {
            for (int i = 0; i < grid.GetLength(0); i++)
                for (int j = 0; j < grid.GetLength(1); j++)
                    Flatten(key + "[" + I(i) + "," + I(j) + "]", grid.GetValue(i, j)!);
            return;
        }
        if (value is IEnumerable items && value is not string)
        {
            int n = 0;
            foreach (var item in items) Flatten(key + "[" + I(n++) + "]", item!);
            return;
        }
        throw new NotSupportedException($"Cannot record '{key}' of type {value.GetType().FullName}: no canonical numbers for it.");
    }

    /// <summary>
    /// When <paramref name="value"/> is a distribution of this side's library, writes its canonical numbers through
    /// <paramref name="put"/> (key, number) and returns true.
    /// </summary>
    protected abstract bool AddDistribution(string key, object value, Action<string, double> put);

    private void Put(string key, double v)
    {
        if (!_keys.Add(key)) throw new InvalidOperationException($"'{key}' was recorded twice.");
        _values.Add(new(key, v));
    }

    /// <summary>The result a key belongs to: the part before its first '.' ("z[3]" of "z[3].p[1]"), or the key itself.</summary>
    public static string ResultOf(string key) => key.IndexOf('.') is var d and >= 0 ? key[..d] : key;

    /// <summary>An index as written in keys.</summary>
    protected static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
}
