global using Probabilistic.Core.Data;
global using Probabilistic.Core.Gaussians;
global using Probabilistic.Core.Inference;
global using Probabilistic.Mixtures;
