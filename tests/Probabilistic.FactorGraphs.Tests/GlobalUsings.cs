// The namespaces every factor-graph test reads, as an Infer.NET user's file would import them.
global using Probabilistic.FactorGraphs.Algorithms;
global using Probabilistic.FactorGraphs.Distributions;
global using Probabilistic.FactorGraphs.LinearAlgebra;
global using Probabilistic.FactorGraphs.Models;
global using Range = Probabilistic.FactorGraphs.Models.Range;
global using Probabilistic.Testing;
