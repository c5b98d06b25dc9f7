namespace Probabilistic.FactorGraphs.Models;

public partial class Variable<T>
{
    /// <summary>−a for a double variable (Infer.NET's unary minus): the scale (−1)·a, exact under EP and VMP.</summary>
    public static Variable<T> operator -(Variable<T> a) => (Variable<T>)(Variable)Variable.Scaled<double>(Doubles(a, "-"), -1.0);
}
