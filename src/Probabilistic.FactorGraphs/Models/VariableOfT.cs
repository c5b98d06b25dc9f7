using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models;

/// <summary>A random variable of type <typeparamref name="T"/>: bool, int, double, or an array of them.</summary>
public partial class Variable<T> : Variable
{
    private T? _observed;
    private bool _isObserved;

    internal Variable() { }

    internal Variable(Variable parent, Range? indexRange, Variable? indexVariable)
    {
        Plates.Clear();
        ArrayParent = parent;
        IndexRange = indexRange;
        IndexVariable = indexVariable;
        Name = parent.Name + "[" + (indexRange?.Name ?? indexVariable!.Name) + "]";
        parent.LinkElement(this);
        if (indexVariable is not null) indexVariable.LinkElement(this);
    }

    /// <summary>The observed value; setting it makes the variable observed (inference then conditions on it).</summary>
    /// <exception cref="InvalidOperationException">Read when no value is observed.</exception>
    public T ObservedValue
    {
        get => _isObserved ? _observed! : throw new InvalidOperationException($"Variable '{Name}' has no observed value.");
        set
        {
            if (value is null) throw new ArgumentNullException(nameof(value), $"The observed value of '{Name}' must not be null; use ClearObservedValue().");
            if (IsElement) throw new InvalidOperationException($"'{Name}' is an array element; observe the whole array instead.");
            bool wasObserved = _isObserved;
            _observed = value;
            _isObserved = true;
            ObservationChanged();
            if (!wasObserved) ModelChanged();
        }
    }

    /// <summary>
    /// Defines this variable by <paramref name="definition"/>'s factor (Infer.NET's <c>SetTo</c>), e.g. a variable made with
    /// <c>Variable.New&lt;double&gt;()</c> and defined later.
    /// </summary>
    public void SetTo(Variable<T> definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (ReferenceEquals(definition, this)) throw new ArgumentException($"'{Name}' cannot be set to itself.", nameof(definition));
        if (IsObserved) throw new InvalidOperationException($"'{Name}' is observed; clear its observed value before defining it with SetTo.");
        definition.SetAlias(this);
    }

    /// <summary>Makes the variable unobserved again.</summary>
    public void ClearObservedValue()
    {
        if (!_isObserved) return;
        _isObserved = false;
        _observed = default;
        ObservationChanged();
        ModelChanged();
    }

    /// <inheritdoc/>
    public override bool IsObserved => _isObserved;

    internal override object? ObservedObject => _isObserved ? _observed : null;

    internal override Type ValueType => typeof(T);

    /// <summary>Sets the name; returns this variable.</summary>
    public Variable<T> Named(string name) { Name = name ?? throw new ArgumentNullException(nameof(name)); return this; }

    /// <summary>Replicates this variable and its defining factor over <paramref name="range"/>.</summary>
    public new Variable<T> ForEach(Range range) { AddPlate(range); return this; }

    /// <summary>Replicates this variable and its defining factor over several ranges (outermost first).</summary>
    public Variable<T> ForEach(params Range[] ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        foreach (var r in ranges) AddPlate(r);
        return this;
    }

    /// <summary>
    /// Initialises the variable's marginal (to break symmetry, as in mixtures). Under VMP it is the starting marginal; under EP
    /// it is the initial marginal seen by the first sweep, divided out afterwards, so it must be proper and not a point mass.
    /// </summary>
    public Variable<T> InitialiseTo<TDist>(TDist initial) where TDist : struct
    {
        Initialiser = initial;
        return this;
    }

    /// <summary>Initialises each element of an array variable's marginal (see <see cref="InitialiseTo{TDist}(TDist)"/>).</summary>
    public Variable<T> InitialiseTo<TDist>(TDist[] initial) where TDist : struct
    {
        Initialiser = initial ?? throw new ArgumentNullException(nameof(initial));
        return this;
    }

    /// <summary>A constant.</summary>
    public static implicit operator Variable<T>(T value) => Variable.Constant(value);

    /// <summary>Logical and of two bool variables.</summary>
    public static Variable<bool> operator &(Variable<T> a, Variable<T> b) => Variable.Derived<bool>(BooleanFactor.And, Bools(a, "&"), Bools(b, "&"));

    /// <summary>Logical or of two bool variables.</summary>
    public static Variable<bool> operator |(Variable<T> a, Variable<T> b) => Variable.Derived<bool>(BooleanFactor.Or, Bools(a, "|"), Bools(b, "|"));

    /// <summary>Logical not of a bool variable.</summary>
    public static Variable<bool> operator !(Variable<T> a) => Variable.Derived<bool>(BooleanFactor.Not, Bools(a, "!"));

    /// <summary>Sum of two double variables.</summary>
    public static Variable<T> operator +(Variable<T> a, Variable<T> b) => Variable.Derived<T>(LinearFactor.Plus, Doubles(a, "+"), Doubles(b, "+"));

    /// <summary>Difference of two double variables.</summary>
    public static Variable<T> operator -(Variable<T> a, Variable<T> b) => Variable.Derived<T>(LinearFactor.Minus, Doubles(a, "-"), Doubles(b, "-"));

    /// <summary>
    /// Product of two double variables (Infer.NET's <c>Variable.Product</c>). With one side observed when the product is
    /// written it is a scale by that constant; with both random it runs under VariationalMessagePassing (ExpectationPropagation
    /// refuses it unless one side is observed by inference time).
    /// </summary>
    public static Variable<T> operator *(Variable<T> a, Variable<T> b) => (Variable<T>)(Variable)Variable.Product(Doubles(a, "*"), Doubles(b, "*"));

    /// <summary>a &gt; b, as IsPositive(a − b).</summary>
    public static Variable<bool> operator >(Variable<T> a, Variable<T> b) => Variable.IsPositive(Doubles(a, ">") - Doubles(b, ">"));

    /// <summary>a &lt; b, as IsPositive(b − a).</summary>
    public static Variable<bool> operator <(Variable<T> a, Variable<T> b) => Variable.IsPositive(Doubles(b, "<") - Doubles(a, "<"));

    private static Variable<bool> Bools(Variable<T> v, string op) =>
        v as Variable<bool> ?? throw new NotSupportedException($"Operator '{op}' needs bool variables; '{v.Name}' is Variable<{typeof(T).Name}>.");

    private static Variable<double> Doubles(Variable<T> v, string op) =>
        v as Variable<double> ?? throw new NotSupportedException($"Operator '{op}' needs double variables; '{v.Name}' is Variable<{typeof(T).Name}>.");
}

/// <summary>An array of random variables over a <see cref="Models.Range"/> (a plate).</summary>
public class VariableArray<T> : Variable<T[]>
{
    /// <summary>The range the array is indexed by.</summary>
    public Range Range { get; }

    internal VariableArray(Range range)
    {
        Range = range ?? throw new ArgumentNullException(nameof(range));
        if (!Plates.Contains(range)) Plates.Add(range);
    }

    /// <summary>A row of a jagged array: element <paramref name="index"/> of <paramref name="parent"/>, itself an array over <paramref name="range"/>.</summary>
    internal VariableArray(Variable parent, Range? index, Variable<int>? indexVariable, Range range) : base(parent, index, indexVariable)
    {
        Range = range;
    }

    /// <summary>The element at <paramref name="index"/>; assigning defines the elements (with a factor replicated over the range).</summary>
    public Variable<T> this[Range index]
    {
        get => Element(index, null);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.SetAlias(Element(index, null));
        }
    }

    /// <summary>The element at an integer variable (a constant, an observed index array element, or a Switch selector).</summary>
    public Variable<T> this[Variable<int> index]
    {
        get => Element(null, index);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.SetAlias(Element(null, index));
        }
    }

    private readonly List<Variable> _implicitRows = [];

    /// <summary>
    /// An element. An array created inside <c>ForEach(outer)</c> blocks is one array per element of those ranges (as in
    /// Infer.NET), so <c>g[c]</c> written there is the element <c>g[outer][c]</c> of the current block's array, through an
    /// implicit row <c>g[outer]</c>. Once the array is assigned to an element of another array (<c>y[outer] = g</c>), that
    /// element is the row: the implicit rows made so far are assigned to it, and later elements need none.
    /// </summary>
    private Variable<T> Element(Range? index, Variable<int>? indexVariable)
    {
        Variable parent = this;
        if (Alias is null || !Alias.IsElement)
        {
            foreach (var outer in Plates.TakeWhile(r => !ReferenceEquals(r, Range))) parent = new Variable<T[]>(parent, outer, null);
            if (!ReferenceEquals(parent, this)) _implicitRows.Add(parent);
        }
        return new Variable<T>(parent, index, indexVariable);
    }

    private protected override void OnAliased(Variable target)
    {
        if (target.IsElement)
            foreach (var row in _implicitRows) row.SetAlias(target);
    }

    /// <summary>Sets the name; returns this array.</summary>
    public new VariableArray<T> Named(string name) { base.Named(name); return this; }
}

/// <summary>
/// An array of arrays (Infer.NET's <c>VariableArray&lt;VariableArray&lt;T&gt;, T[][]&gt;</c>) for grouped data:
/// <c>x[outer][inner]</c>, where <c>inner</c> may be jagged (<c>new Range(sizes[outer])</c>).
/// </summary>
public class VariableArray<TItem, TArray> : Variable<TArray> where TItem : Variable
{
    private readonly Func<Variable, Range?, Variable<int>?, TItem> _item;

    internal VariableArray(Range range, IEnumerable<Range> itemRanges, Func<Variable, Range?, Variable<int>?, TItem> item)
    {
        Range = range ?? throw new ArgumentNullException(nameof(range));
        _item = item;
        if (!Plates.Contains(range)) Plates.Add(range);
        foreach (var r in itemRanges) if (!Plates.Contains(r)) Plates.Add(r);
    }

    /// <summary>The outer range.</summary>
    public Range Range { get; }

    /// <summary>The item (an array) at <paramref name="index"/>.</summary>
    public TItem this[Range index]
    {
        get => _item(this, index, null);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.SetAlias(_item(this, index, null));
        }
    }

    /// <summary>The item (an array) at an integer variable or constant.</summary>
    public TItem this[Variable<int> index]
    {
        get => _item(this, null, index);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.SetAlias(_item(this, null, index));
        }
    }

    /// <summary>Sets the name; returns this array.</summary>
    public new VariableArray<TItem, TArray> Named(string name) { base.Named(name); return this; }
}

/// <summary>A two-dimensional array of random variables over two ranges (Infer.NET's <c>VariableArray2D&lt;T&gt;</c>).</summary>
public class VariableArray2D<T> : Variable<T[,]>
{
    internal VariableArray2D(Range range0, Range range1)
    {
        Range0 = range0 ?? throw new ArgumentNullException(nameof(range0));
        Range1 = range1 ?? throw new ArgumentNullException(nameof(range1));
        if (ReferenceEquals(range0, range1)) throw new ArgumentException($"A two-dimensional array needs two different ranges; '{range0.Name}' was given twice.");
        if (!Plates.Contains(range0)) Plates.Add(range0);
        if (!Plates.Contains(range1)) Plates.Add(range1);
    }

    /// <summary>The first range.</summary>
    public Range Range0 { get; }

    /// <summary>The second range.</summary>
    public Range Range1 { get; }

    /// <summary>The element at (<paramref name="i"/>, <paramref name="j"/>).</summary>
    public Variable<T> this[Range i, Range j]
    {
        get => Element(i, null, j, null);
        set { ArgumentNullException.ThrowIfNull(value); value.SetAlias(Element(i, null, j, null)); }
    }

    /// <summary>The element at integer variables or constants.</summary>
    public Variable<T> this[Variable<int> i, Variable<int> j]
    {
        get => Element(null, i, null, j);
        set { ArgumentNullException.ThrowIfNull(value); value.SetAlias(Element(null, i, null, j)); }
    }

    /// <summary>The element at a range and an integer variable.</summary>
    public Variable<T> this[Range i, Variable<int> j]
    {
        get => Element(i, null, null, j);
        set { ArgumentNullException.ThrowIfNull(value); value.SetAlias(Element(i, null, null, j)); }
    }

    // An element is a row (indexed on the first range) indexed on the second.
    private Variable<T> Element(Range? i, Variable<int>? iv, Range? j, Variable<int>? jv) => new(new Variable<T[]>(this, i, iv), j, jv);

    /// <summary>Sets the name; returns this array.</summary>
    public new VariableArray2D<T> Named(string name) { base.Named(name); return this; }
}
