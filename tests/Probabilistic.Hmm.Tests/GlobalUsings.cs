global using Probabilistic.Core.Data;
global using Probabilistic.Core.Inference;
global using Probabilistic.Core.Gaussians;
