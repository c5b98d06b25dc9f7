namespace Probabilistic.FactorGraphs.Engine;

/// <summary>Every factor the modelling API can create, registered once: one line per factor.</summary>
internal static class FactorCatalog
{
    internal static readonly IReadOnlyList<FactorDefinition> All =
    [
        PriorFactor.Definition,
        GaussianFactor.Definition,
        GaussianFactor.VarianceDefinition,
        BernoulliFromBetaFactor.Definition,
        DiscreteFromDirichletFactor.Definition,
        BooleanFactor.And,
        BooleanFactor.Or,
        BooleanFactor.Not,
        IsPositiveFactor.Definition,
        LinearFactor.Plus,
        LinearFactor.Minus,
        ScaleFactor.Definition,
        ProductFactor.Definition,
        InnerProductFactor.Definition,
        VectorGaussianFactor.Definition,
        PoissonFactor.Definition,
        ConstrainTrueFactor.Definition,
        RandomFactor.Definition,
        ConstrainEqualRandomFactor.Definition,
        CopyFactor.Definition,
        SubarrayFactor.Definition,
        ConstrainEqualFactor.Definition,
        AllTrueFactor.Definition,
        IsBetweenFactor.Definition,
        RepeatFactor.Definition,
        GammaFromShapeAndRateFactor.Definition,
        MaxFactor.Definition,
        BinomialFactor.Definition,
        SumFactor.Definition,
        MatrixMultiplyFactor.Definition,
        LogisticFactor.Definition,
        ExpFactor.Definition,
        SoftmaxFactor.Definition,
        MultinomialFactor.Definition,
    ];
}
