using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// VMP through deterministic factors (+, −, * constant, InnerProduct, IsPositive, and / or / not), each checked against a
/// closed form or a mean-field coordinate ascent written here from the textbook updates (Bishop 2006 §10.1, §10.3;
/// Albert &amp; Chib 1993 for the probit latent variable; Winn &amp; Bishop 2005 for deterministic nodes).
/// </summary>
public class VmpDeterministicTests
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    private static InferenceEngine Vmp(int iterations = 300) => new(new VariationalMessagePassing()) { NumberOfIterations = iterations };

    private static void AssertMonotone(InferenceEngine engine)
    {
        var trace = engine.LastTrace!;
        Assert.True(trace.IsBound);
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-10 * Math.Abs(trace[i].Elbo), $"ELBO fell at sweep {i + 1}: {trace[i - 1].Elbo} -> {trace[i].Elbo}");
    }

    // ---- small dense linear algebra for the references ----

    private static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++) { for (int j = 0; j < n; j++) m[i, j] = a[i, j]; m[i, n + i] = 1; }
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[p, c])) p = r;
            for (int j = 0; j < 2 * n; j++) (m[c, j], m[p, j]) = (m[p, j], m[c, j]);
            double d = m[c, c];
            for (int j = 0; j < 2 * n; j++) m[c, j] /= d;
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = m[r, c];
                for (int j = 0; j < 2 * n; j++) m[r, j] -= f * m[c, j];
            }
        }
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) inv[i, j] = m[i, n + j];
        return inv;
    }

    private static double LogDet(double[,] a)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        double s = 0;
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[p, c])) p = r;
            for (int j = 0; j < n; j++) (m[c, j], m[p, j]) = (m[p, j], m[c, j]);
            s += Math.Log(Math.Abs(m[c, c]));
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int j = c; j < n; j++) m[r, j] -= f * m[c, j];
            }
        }
        return s;
    }

    private static double[] MatVec(double[,] a, double[] x)
    {
        int n = a.GetLength(0);
        var y = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < x.Length; j++) y[i] += a[i, j] * x[j];
        return y;
    }

    private static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }

    // ---- 0. the truncation operator ----

    [Theory]
    [InlineData(0.0, 1.0, 0.0, true)]
    [InlineData(2.0, 0.5, 0.0, true)]
    [InlineData(2.0, 0.5, 0.0, false)]
    [InlineData(-3.0, 0.25, 0.0, true)]   // u = −6: the continued-fraction branch
    [InlineData(1.0, 4.0, 31.0, true)]    // u = −15
    [InlineData(-40.0, 1.0, -10.0, true)] // u = −30, far tail
    [InlineData(5.0, 2.0, 1.5, false)]
    public void Truncate_MatchesQuadrature(double mu, double v, double threshold, bool above)
    {
        var (proj, logZ) = Factors.IsPositiveOp.Truncate(Gaussian.FromMeanAndVariance(mu, v), threshold, above);
        // standardise: x = (z − μ)/σ kept on x ≥ a (above) or x ≤ −a (mirror), a = ±(t − μ)/σ; with x = a + y,
        // φ(a + y) = φ(a) e^{−a y − y²/2}; Simpson's rule for ∫₀^L y^k e^{−a y − y²/2} dy, k = 0, 1, 2
        double sd = Math.Sqrt(v), sgn = above ? 1 : -1, a = sgn * (threshold - mu) / sd;
        double len = 12 + Math.Max(0, -a);
        int steps = 400_000;
        double h = len / steps, i0 = 0, i1 = 0, i2 = 0;
        for (int j = 0; j <= steps; j++)
        {
            double y = j * h, wgt = (j == 0 || j == steps ? 1 : j % 2 == 1 ? 4 : 2) * h / 3, f = Math.Exp(-a * y - 0.5 * y * y);
            i0 += wgt * f; i1 += wgt * y * f; i2 += wgt * y * y * f;
        }
        double meanX = a + i1 / i0, varX = i2 / i0 - (i1 / i0) * (i1 / i0);
        double expectLogZ = -HalfLog2Pi - 0.5 * a * a + Math.Log(i0);
        Assert.True(Math.Abs(logZ - expectLogZ) < 1e-9 * Math.Max(1, Math.Abs(expectLogZ)), $"log Z {logZ} vs {expectLogZ}");
        Assert.True(Math.Abs(proj.GetMean() - (mu + sgn * sd * meanX)) < 1e-9 * (1 + Math.Abs(mu) + sd), $"mean {proj.GetMean()} vs {mu + sgn * sd * meanX}");
        Assert.True(Math.Abs(proj.GetVariance() - v * varX) < 1e-8 * v * varX, $"variance {proj.GetVariance()} vs {v * varX}");
    }

    // ---- 1. Bayesian linear regression ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LinearRegression_KnownNoise_IsExact_PosteriorAndEvidence(bool vmp)
    {
        // One VectorGaussian w: VMP's q(w) is the exact posterior and the ELBO the exact log evidence; EP is exact on this
        // tree too (its trace is the log evidence).
        double alpha = 0.5, noise = 0.25;
        double[][] xs = [[1, 0.5], [1, -1.2], [1, 2.0], [1, 0.3], [1, -0.7]];
        double[] ys = [1.9, -0.4, 4.1, 1.5, 0.2];
        Range n = new Range(xs.Length);
        VariableArray<Vector> x = Variable.Observed(xs.Select(r => Vector.FromArray(r)).ToArray(), n);
        Variable<Vector> w = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(2), PositiveDefiniteMatrix.IdentityScaledBy(2, alpha));
        VariableArray<double> y = Variable.Array<double>(n);
        y[n] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[n]), noise);
        y.ObservedValue = ys;
        var engine = vmp ? Vmp(5) : new InferenceEngine();
        var post = engine.Infer<VectorGaussian>(w);

        var prec = new double[2, 2] { { alpha, 0 }, { 0, alpha } };
        var b = new double[2];
        foreach (var (row, yi) in xs.Zip(ys))
            for (int i = 0; i < 2; i++) { b[i] += row[i] * yi / noise; for (int j = 0; j < 2; j++) prec[i, j] += row[i] * row[j] / noise; }
        var cov = Inverse(prec);
        var mean = MatVec(cov, b);
        var pm = post.GetMean(); var pc = post.GetVariance();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(mean[i], pm[i], 9);
            for (int j = 0; j < 2; j++) Assert.Equal(cov[i, j], pc[i, j], 9);
        }
        // log N(y; 0, X Xᵀ/α + σ² I)
        int m = ys.Length;
        var c = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) c[i, j] = Dot(xs[i], xs[j]) / alpha + (i == j ? noise : 0);
        double logEvidence = -m * HalfLog2Pi - 0.5 * LogDet(c) - 0.5 * Dot(ys, MatVec(Inverse(c), ys));
        Assert.Equal(logEvidence, engine.LastTrace!.FinalElbo, 9);
        if (vmp) AssertMonotone(engine);
    }

    [Fact]
    public void LinearRegression_GammaNoisePrecision_EqualsMeanFieldFixedPoint()
    {
        double alpha = 0.5, a0 = 2, b0 = 1;
        double[][] xs = [[1, 0.5], [1, -1.2], [1, 2.0], [1, 0.3], [1, -0.7], [1, 1.1]];
        double[] ys = [1.9, -0.4, 4.1, 1.5, 0.2, 2.2];
        Range n = new Range(xs.Length);
        VariableArray<Vector> x = Variable.Observed(xs.Select(r => Vector.FromArray(r)).ToArray(), n);
        Variable<Vector> w = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(2), PositiveDefiniteMatrix.IdentityScaledBy(2, alpha));
        Variable<double> tau = Variable.GammaFromShapeAndRate(a0, b0);
        VariableArray<double> y = Variable.Array<double>(n);
        y[n] = Variable.GaussianFromMeanAndPrecision(Variable.InnerProduct(w, x[n]), tau);
        y.ObservedValue = ys;
        var engine = Vmp(400);
        var postW = engine.Infer<VectorGaussian>(w);
        var postTau = engine.Infer<Gamma>(tau);
        AssertMonotone(engine);

        // Bishop (2006) §10.3: q(w) = N(m, S), S⁻¹ = αI + E[τ] XᵀX, m = E[τ] S Xᵀy; q(τ) = Gamma(a0 + N/2, b0 + ½ Σ (y − mᵀx)² + xᵀSx)
        double shape = a0 + 0.5 * xs.Length, rate = b0;
        double[,] s = new double[2, 2];
        double[] mean = new double[2];
        for (int it = 0; it < 10_000; it++)
        {
            double et = shape / rate;
            var p = new double[2, 2] { { alpha, 0 }, { 0, alpha } };
            var bb = new double[2];
            foreach (var (row, yi) in xs.Zip(ys))
                for (int i = 0; i < 2; i++) { bb[i] += et * row[i] * yi; for (int j = 0; j < 2; j++) p[i, j] += et * row[i] * row[j]; }
            s = Inverse(p);
            mean = MatVec(s, bb);
            double newRate = b0;
            foreach (var (row, yi) in xs.Zip(ys)) { double r = yi - Dot(mean, row); newRate += 0.5 * (r * r + Dot(row, MatVec(s, row))); }
            bool done = Math.Abs(newRate - rate) < 1e-15 * rate;
            rate = newRate;
            if (done) break;
        }
        Assert.Equal(shape, postTau.Shape, 8);
        Assert.Equal(rate, postTau.Rate, 8);
        var pm = postW.GetMean(); var pc = postW.GetVariance();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(mean[i], pm[i], 8);
            for (int j = 0; j < 2; j++) Assert.Equal(s[i, j], pc[i, j], 8);
        }
    }

    // ---- 2. sums and scaled differences of scalars ----

    [Fact]
    public void SumOfTwoGaussians_WithGammaNoise_EqualsMeanFieldFixedPoint()
    {
        double ma = 1, va = 2, mb = -0.5, vb = 0.5, a0 = 3, b0 = 2;
        double[] ys = [1.2, 0.4, 2.3, 0.9];
        var a = Variable.GaussianFromMeanAndVariance(ma, va);
        var b = Variable.GaussianFromMeanAndVariance(mb, vb);
        var tau = Variable.GammaFromShapeAndRate(a0, b0);
        var sum = a + b;
        Range n = new Range(ys.Length);
        VariableArray<double> y = Variable.Array<double>(n);
        using (Variable.ForEach(n)) y[n] = Variable.GaussianFromMeanAndPrecision(sum, tau);
        y.ObservedValue = ys;
        var engine = Vmp(500);
        var qa = engine.Infer<Gaussian>(a);
        var qb = engine.Infer<Gaussian>(b);
        var qt = engine.Infer<Gamma>(tau);
        var qs = engine.Infer<Gaussian>(sum);
        AssertMonotone(engine);

        // mean field over a, b, τ: q(a) ∝ N(a; ma, va) Π N(y_i − E b; a, 1/E τ), likewise b; q(τ) = Gamma(a0 + n/2, b0 + ½ Σ E(y_i − a − b)²)
        int count = ys.Length;
        double ea = ma, pa = 1 / va, eb = mb, pb = 1 / vb, shape = a0 + 0.5 * count, rate = b0;
        for (int it = 0; it < 100_000; it++)
        {
            double et = shape / rate;
            pa = 1 / va + count * et; ea = (ma / va + et * ys.Sum(yi => yi - eb)) / pa;
            pb = 1 / vb + count * et; eb = (mb / vb + et * ys.Sum(yi => yi - ea)) / pb;
            double newRate = b0 + 0.5 * ys.Sum(yi => (yi - ea - eb) * (yi - ea - eb) + 1 / pa + 1 / pb);
            bool done = Math.Abs(newRate - rate) < 1e-15 * rate;
            rate = newRate;
            if (done) break;
        }
        Assert.Equal(ea, qa.GetMean(), 9); Assert.Equal(1 / pa, qa.GetVariance(), 9);
        Assert.Equal(eb, qb.GetMean(), 9); Assert.Equal(1 / pb, qb.GetVariance(), 9);
        Assert.Equal(rate, qt.Rate, 9);
        // the collapsed sum: push-forward of q(a) q(b)
        Assert.Equal(ea + eb, qs.GetMean(), 9); Assert.Equal(1 / pa + 1 / pb, qs.GetVariance(), 9);
    }

    [Fact]
    public void ScaledDifference_EqualsMeanFieldFixedPointAndItsBound()
    {
        // y ~ N(k·a − b, σ²): q(a) precision 1/va + k²/σ², mean (ma/va + k(y + E b)/σ²)/·; q(b) precision 1/vb + 1/σ², mean (mb/vb − (y − k E a)/σ²)/·
        double k = 2.5, ma = 0.3, va = 1.5, mb = 1, vb = 0.8, s2 = 0.4, yObs = 2.0;
        var a = Variable.GaussianFromMeanAndVariance(ma, va);
        var b = Variable.GaussianFromMeanAndVariance(mb, vb);
        var c = a * k - b;
        var y = Variable.GaussianFromMeanAndVariance(c, s2);
        y.ObservedValue = yObs;
        var engine = Vmp(300);
        var qa = engine.Infer<Gaussian>(a);
        var qb = engine.Infer<Gaussian>(b);
        AssertMonotone(engine);

        double pa = 1 / va + k * k / s2, pb = 1 / vb + 1 / s2, ea = ma, eb = mb;
        for (int it = 0; it < 10_000; it++)
        {
            ea = (ma / va + k * (yObs + eb) / s2) / pa;
            eb = (mb / vb - (yObs - k * ea) / s2) / pb;
        }
        Assert.Equal(ea, qa.GetMean(), 10); Assert.Equal(1 / pa, qa.GetVariance(), 10);
        Assert.Equal(eb, qb.GetMean(), 10); Assert.Equal(1 / pb, qb.GetVariance(), 10);

        // ELBO = E log N(a) + E log N(b) + E log N(y; k a − b, σ²) + H(a) + H(b)
        static double AvgLogN(double m, double v, double mu, double var) => -HalfLog2Pi - 0.5 * Math.Log(var) - 0.5 * (v + (m - mu) * (m - mu)) / var;
        static double H(double v) => 0.5 * Math.Log(2 * Math.PI * Math.E * v);
        double r = yObs - k * ea + eb;
        double elbo = AvgLogN(ea, 1 / pa, ma, va) + AvgLogN(eb, 1 / pb, mb, vb)
                      - HalfLog2Pi - 0.5 * Math.Log(s2) - 0.5 * (r * r + k * k / pa + 1 / pb) / s2 + H(1 / pa) + H(1 / pb);
        Assert.Equal(elbo, engine.LastTrace!.FinalElbo, 10);
    }

    [Fact]
    public void SumOfThreeElementsOfOneArray_UpdatesElementsInTurn_BoundRisesToFixedPoint()
    {
        // y ~ N(s[0] + s[1] + s[2], ν), s[k] ~ N(0, v): the summands are elements of one array. Updating them together (each
        // with the others' old means) multiplies the error along (1, 1, 1) by −2ρ, ρ = (1/ν)/(1/v + 1/ν) = 10/11 here, and
        // diverges; in turn it is coordinate ascent, E s_k = ρ(y − Σ_{j≠k} E s_j), with fixed point ρy/(1 + 2ρ) for each.
        double v = 1, nu = 0.1, yObs = 1;
        Range k = new Range(3);
        VariableArray<double> s = Variable.Array<double>(k);
        s[k] = Variable.GaussianFromMeanAndVariance(0, v).ForEach(k);
        Range g = new Range(1);
        VariableArray<int> i0 = Variable.Observed(new[] { 0 }, g);
        VariableArray<int> i1 = Variable.Observed(new[] { 1 }, g);
        VariableArray<int> i2 = Variable.Observed(new[] { 2 }, g);
        VariableArray<double> y = Variable.Array<double>(g);
        using (Variable.ForEach(g)) y[g] = Variable.GaussianFromMeanAndVariance(s[i0[g]] + s[i1[g]] + s[i2[g]], nu);
        y.ObservedValue = [yObs];
        var engine = Vmp(500);
        var post = engine.Infer<Gaussian[]>(s);
        AssertMonotone(engine);
        double p = 1 / v + 1 / nu, rho = (1 / nu) / p;
        var e = new double[3];
        for (int it = 0; it < 10_000; it++)
            for (int j = 0; j < 3; j++) e[j] = rho * (yObs - (e.Sum() - e[j]));
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(e[j], post[j].GetMean(), 10);
            Assert.Equal(1 / p, post[j].GetVariance(), 12);
        }
        Assert.Equal(rho * yObs / (1 + 2 * rho), e[0], 12);
    }

    // ---- 3. Bayes point machine ----

    private static (double Mean, double Var, double Entropy) TruncatedNormal(double mu, double v, bool positive)
    {
        // N(mu, v) restricted to z > 0 (or z < 0); standard formulas in terms of the standardised bound (Johnson, Kotz & Balakrishnan)
        double sd = Math.Sqrt(v);
        if (positive)
        {
            double al = -mu / sd, z = 1 - Normal.CDF(0, 1, al), ph = Normal.PDF(0, 1, al);
            return (mu + sd * ph / z, v * (1 + al * ph / z - (ph / z) * (ph / z)), Math.Log(Math.Sqrt(2 * Math.PI * Math.E) * sd * z) + al * ph / (2 * z));
        }
        double be = -mu / sd, zz = Normal.CDF(0, 1, be), p = Normal.PDF(0, 1, be);
        return (mu - sd * p / zz, v * (1 - be * p / zz - (p / zz) * (p / zz)), Math.Log(Math.Sqrt(2 * Math.PI * Math.E) * sd * zz) - be * p / (2 * zz));
    }

    [Fact]
    public void BayesPointMachine_EqualsProbitMeanFieldAndItsBound()
    {
        double[] incomes = { 63, 16, 28, 55, 22, 20 };
        double[] ages = { 38, 23, 40, 27, 18, 40 };
        bool[] willBuy = { true, false, true, true, false, false };
        double noise = 0.1;
        Range j = new Range(incomes.Length);
        var xdata = incomes.Select((inc, i) => Vector.FromArray(inc, ages[i], 1)).ToArray();
        VariableArray<Vector> x = Variable.Observed(xdata, j);
        VariableArray<bool> y = Variable.Observed(willBuy, j);
        Variable<Vector> w = Variable.Random(VectorGaussian.FromMeanAndPrecision(Vector.Zero(3), PositiveDefiniteMatrix.Identity(3)));
        y[j] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[j]), noise) > 0;
        var engine = Vmp(3000);
        engine.Tolerance = 0;
        var post = engine.Infer<VectorGaussian>(w);
        AssertMonotone(engine);

        // Albert–Chib mean field: q(w) = N(m, S), S⁻¹ = I + Σ x xᵀ/ν, m = S Σ x E[z]/ν; q(z_i) = N(mᵀx_i, ν) truncated to the sign of y_i
        int n = incomes.Length;
        var xs = xdata.Select(v => v.ToArray()).ToArray();
        var sInv = new double[3, 3];
        for (int i = 0; i < 3; i++) sInv[i, i] = 1;
        foreach (var row in xs) for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) sInv[a, b] += row[a] * row[b] / noise;
        var s = Inverse(sInv);
        var ez = new double[n];
        var m = new double[3];
        for (int i = 0; i < n; i++) ez[i] = TruncatedNormal(0, noise + Dot(xs[i], MatVec(s, xs[i])), willBuy[i]).Mean;
        for (int it = 0; it < 1_000_000; it++)
        {
            var rhs = new double[3];
            for (int i = 0; i < n; i++) for (int a = 0; a < 3; a++) rhs[a] += xs[i][a] * ez[i] / noise;
            var mNew = MatVec(s, rhs);
            double change = 0;
            for (int a = 0; a < 3; a++) change = Math.Max(change, Math.Abs(mNew[a] - m[a]));
            m = mNew;
            for (int i = 0; i < n; i++) ez[i] = TruncatedNormal(Dot(m, xs[i]), noise, willBuy[i]).Mean;
            if (change < 1e-14) break;
        }
        var pm = post.GetMean(); var pc = post.GetVariance();
        for (int a = 0; a < 3; a++)
        {
            Assert.True(Math.Abs(m[a] - pm[a]) < 1e-8 * (1 + Math.Abs(m[a])), $"mean[{a}]: {pm[a]} vs mean field {m[a]}");
            for (int b = 0; b < 3; b++) Assert.True(Math.Abs(s[a, b] - pc[a, b]) < 1e-10, $"cov[{a},{b}]: {pc[a, b]} vs {s[a, b]}");
        }

        // the bound: E log N(w; 0, I) + Σ E log N(z_i; wᵀx_i, ν) + H[q(w)] + Σ H[q(z_i)]
        double elbo = -3 * HalfLog2Pi - 0.5 * (Enumerable.Range(0, 3).Sum(a => s[a, a]) + Dot(m, m)) + 0.5 * (3 * Math.Log(2 * Math.PI * Math.E) - LogDet(sInv));
        for (int i = 0; i < n; i++)
        {
            var (ze, zv, zh) = TruncatedNormal(Dot(m, xs[i]), noise, willBuy[i]);
            double ewx = Dot(m, xs[i]), vwx = Dot(xs[i], MatVec(s, xs[i]));
            elbo += -HalfLog2Pi - 0.5 * Math.Log(noise) - 0.5 * (zv + ze * ze - 2 * ze * ewx + vwx + ewx * ewx) / noise + zh;
        }
        Assert.True(Math.Abs(elbo - engine.LastTrace!.FinalElbo) < 1e-8 * Math.Abs(elbo), $"ELBO {engine.LastTrace!.FinalElbo} vs the bound computed here {elbo}");

        // prediction under VMP: q(z) = N(E[w]ᵀx, ν) (mean field drops w's variance), P(y) = Φ(E[w]ᵀx / √ν)
        var xt = Vector.FromArray(58, 36, 1);
        var wPost = Variable.Random(post);
        var yt = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(wPost, Variable.Observed(xt)), noise) > 0;
        double pt = Vmp(5).Infer<Bernoulli>(yt).GetProbTrue();
        Assert.Equal(Normal.CDF(0, 1, Dot(pm.ToArray(), xt.ToArray()) / Math.Sqrt(noise)), pt, 10);
    }

    [Fact]
    public void ScaledShiftedConstraint_OneVariable_IsExactTruncationAndEvidence()
    {
        // z ~ N(m, v), constraint −2z > 3 ⇔ z < −1.5: one variable, so VMP is exact: q(z) is N(m, v) truncated to z < −1.5
        // and the ELBO is log P(z < −1.5) = log Φ((−1.5 − m)/σ)
        double m = 0.5, v = 2;
        var z = Variable.GaussianFromMeanAndVariance(m, v);
        Variable.ConstrainTrue(z * -2.0 > 3.0);
        var engine = Vmp(5);
        var q = engine.Infer<Gaussian>(z);
        var (te, tv, _) = TruncatedNormal(m + 1.5, v, false);
        Assert.Equal(te - 1.5, q.GetMean(), 12);
        Assert.Equal(tv, q.GetVariance(), 12);
        Assert.Equal(Math.Log(Normal.CDF(m, Math.Sqrt(v), -1.5)), engine.LastTrace!.FinalElbo, 12);

        // and with Variable.IsPositive directly, observed false: z < 0
        var z2 = Variable.GaussianFromMeanAndVariance(m, v);
        var c2 = Variable.IsPositive(z2);
        c2.ObservedValue = false;
        var engine2 = Vmp(5);
        var q2 = engine2.Infer<Gaussian>(z2);
        var (te2, tv2, _) = TruncatedNormal(m, v, false);
        Assert.Equal(te2, q2.GetMean(), 12);
        Assert.Equal(tv2, q2.GetVariance(), 12);
        Assert.Equal(Math.Log(Normal.CDF(m, Math.Sqrt(v), 0)), engine2.LastTrace!.FinalElbo, 12);
    }

    [Fact]
    public void Refusals_NameTheFactorAndTheWayOut()
    {
        // a + a: the push-forward of a factorised q would add two independent copies
        var a = Variable.GaussianFromMeanAndVariance(0, 1);
        var y = Variable.GaussianFromMeanAndVariance(a + a, 1);
        y.ObservedValue = 1;
        var ex = Assert.Throws<NotSupportedException>(() => Vmp(5).Infer<Gaussian>(a));
        Assert.Contains("both depend on", ex.Message);
        Assert.Contains("ExpectationPropagation", ex.Message);

        // a random IsPositive output that other factors read: the message to x would be a step function
        var x = Variable.GaussianFromMeanAndVariance(0, 1);
        var other = Variable.Bernoulli(0.5);
        other.InitialiseTo(Bernoulli.PointMass(true));
        var both = (x > 0) & other;
        both.ObservedValue = true;
        var ex2 = Assert.Throws<NotSupportedException>(() => Vmp(5).Infer<Gaussian>(x));
        Assert.Contains("step function", ex2.Message);
        Assert.Contains("ExpectationPropagation", ex2.Message);
    }

    // ---- 4. Boolean factors against brute-force mean field ----

    /// <summary>max over a grid of factorised q (step 0.01, ends and priors included) of Σ_x q(x) log p(x, obs) + H(q), by enumeration.</summary>
    private static (double Elbo, double[] Q) BruteForceMeanField(double[] priors, Func<bool[], bool> constraint)
    {
        int d = priors.Length;
        var grid = Enumerable.Range(0, 101).Select(i => i / 100.0).Concat(priors).Distinct().ToArray();
        double best = double.NegativeInfinity;
        double[] bestQ = [];
        var idx = new int[d];
        while (true)
        {
            var q = idx.Select(i => grid[i]).ToArray();
            double elbo = 0;
            bool feasible = true;
            for (int cfg = 0; cfg < 1 << d && feasible; cfg++)
            {
                var x = Enumerable.Range(0, d).Select(k => (cfg >> k & 1) == 1).ToArray();
                double pr = 1, lp = 0;
                for (int k = 0; k < d; k++) { pr *= x[k] ? q[k] : 1 - q[k]; lp += Math.Log(x[k] ? priors[k] : 1 - priors[k]); }
                if (pr == 0) continue;
                if (!constraint(x)) feasible = false;
                else elbo += pr * (lp - Enumerable.Range(0, d).Sum(k => Math.Log(x[k] ? q[k] : 1 - q[k])));
            }
            if (feasible && elbo > best) { best = elbo; bestQ = q; }
            int t = 0;
            while (t < d && ++idx[t] == grid.Length) idx[t++] = 0;
            if (t == d) break;
        }
        return (best, bestQ);
    }

    [Fact]
    public void TwoCoins_BothHeadsObservedFalse_ReachesBruteForceMeanFieldOptimum()
    {
        var a = Variable.Bernoulli(0.5);
        var b = Variable.Bernoulli(0.5);
        var both = a & b;
        both.ObservedValue = false;
        var engine = Vmp(20);
        double qa = engine.Infer<Bernoulli>(a).GetProbTrue(), qb = engine.Infer<Bernoulli>(b).GetProbTrue();
        AssertMonotone(engine);
        var (best, _) = BruteForceMeanField([0.5, 0.5], x => !(x[0] && x[1]));
        Assert.Equal(best, engine.LastTrace!.FinalElbo, 12);
        // the optimum puts one coin surely on tails and leaves the other at its prior (a is updated first)
        Assert.Equal(0, qa, 12);
        Assert.Equal(0.5, qb, 12);
    }

    [Fact]
    public void AndOrNot_RandomOutput_IsThePushForward_ObservedOutput_ReachesBruteForceOptimum()
    {
        double pa = 0.3, pb = 0.6, pc = 0.7;
        // random output: no evidence, q = priors, q(d) = Σ p(a) p(b) p(c) 1[(a ∧ b) ∨ ¬c]
        {
            var a = Variable.Bernoulli(pa); var b = Variable.Bernoulli(pb); var c = Variable.Bernoulli(pc);
            var d = a & b | !c;
            double exact = 0;
            for (int cfg = 0; cfg < 8; cfg++)
            {
                bool av = (cfg & 1) == 1, bv = (cfg & 2) == 2, cv = (cfg & 4) == 4;
                if (av && bv || !cv) exact += (av ? pa : 1 - pa) * (bv ? pb : 1 - pb) * (cv ? pc : 1 - pc);
            }
            Assert.Equal(exact, Vmp(5).Infer<Bernoulli>(d).GetProbTrue(), 12);
        }
        // observed false: the constraint needs c true and not both a and b. From the priors the first update (a) finds no
        // consistent value (c may be false), so VMP says so; with c initialised to true it reaches the best factorised q.
        {
            var a = Variable.Bernoulli(pa); var b = Variable.Bernoulli(pb); var c = Variable.Bernoulli(pc);
            var d = a & b | !c;
            d.ObservedValue = false;
            var ex = Assert.Throws<InvalidOperationException>(() => Vmp(20).Infer<Bernoulli>(a));
            Assert.Contains("InitialiseTo", ex.Message);
            c.InitialiseTo(Bernoulli.PointMass(true));
            var engine = Vmp(20);
            double qa = engine.Infer<Bernoulli>(a).GetProbTrue(), qb = engine.Infer<Bernoulli>(b).GetProbTrue(), qc = engine.Infer<Bernoulli>(c).GetProbTrue();
            AssertMonotone(engine);
            var (best, q) = BruteForceMeanField([pa, pb, pc], x => !(x[0] && x[1] || !x[2]));
            Assert.Equal(best, engine.LastTrace!.FinalElbo, 12);
            Assert.Equal(q[0], qa, 12); Assert.Equal(q[1], qb, 12); Assert.Equal(q[2], qc, 12);
        }
    }

    // ---- 5. TrueSkill ----

    [Fact]
    public void TrueSkill_TwoPlayers_EqualsProbitMeanFieldFixedPoint()
    {
        // d ~ N(s_w − s_l, 2β²) (the two performances' noise in one variable), d > 0 observed.
        double mu = 25, sigma = 25.0 / 3, beta = 25.0 / 6, v = sigma * sigma, nv = 2 * beta * beta;
        var sw = Variable.GaussianFromMeanAndVariance(mu, v);
        var sl = Variable.GaussianFromMeanAndVariance(mu, v);
        var d = Variable.GaussianFromMeanAndVariance(sw - sl, nv);
        Variable.ConstrainTrue(d > 0);
        var engine = Vmp(500);
        var qw = engine.Infer<Gaussian>(sw);
        var ql = engine.Infer<Gaussian>(sl);
        AssertMonotone(engine);

        // q(s_w) ∝ N(s_w; μ, σ²) N(s_w; E d + E s_l, 2β²), q(s_l) ∝ N(s_l; μ, σ²) N(s_l; E s_w − E d, 2β²), q(d) = N(E s_w − E s_l, 2β²) truncated to d > 0
        double p = 1 / v + 1 / nv, ew = mu, el = mu, ed = TruncatedNormal(0, nv + 2 * v, true).Mean;
        for (int it = 0; it < 100_000; it++)
        {
            ew = (mu / v + (ed + el) / nv) / p;
            el = (mu / v + (ew - ed) / nv) / p;
            ed = TruncatedNormal(ew - el, nv, true).Mean;
        }
        Assert.Equal(ew, qw.GetMean(), 8); Assert.Equal(1 / p, qw.GetVariance(), 10);
        Assert.Equal(el, ql.GetMean(), 8); Assert.Equal(1 / p, ql.GetVariance(), 10);
        Assert.True(ew > mu && el < mu);
    }

    [Fact]
    public void TrueSkill_Tournament_EqualsMeanFieldFixedPointAndOrdersPlayers()
    {
        int[] winners = [0, 0, 0, 1, 1, 2, 0, 1];
        int[] losers = [1, 2, 3, 2, 3, 3, 1, 3];
        double mu = 25, sigma = 25.0 / 3, beta = 25.0 / 6, v = sigma * sigma, nv = 2 * beta * beta;
        Range player = new Range(4);
        VariableArray<double> skills = Variable.Array<double>(player);
        skills[player] = Variable.GaussianFromMeanAndVariance(mu, v).ForEach(player);
        Range game = new Range(winners.Length);
        VariableArray<int> winner = Variable.Observed(winners, game);
        VariableArray<int> loser = Variable.Observed(losers, game);
        using (Variable.ForEach(game))
        {
            var d = Variable.GaussianFromMeanAndVariance(skills[winner[game]] - skills[loser[game]], nv);
            Variable.ConstrainTrue(d > 0);
        }
        var engine = Vmp(2000);
        var post = engine.Infer<Gaussian[]>(skills);
        AssertMonotone(engine);

        // coordinate ascent: each skill from its prior and the games it played (E d ± the opponent's mean), then each q(d_g)
        int players = 4, games = winners.Length;
        var es = Enumerable.Repeat(mu, players).ToArray();
        var ed = Enumerable.Repeat(TruncatedNormal(0, nv + 2 * v, true).Mean, games).ToArray();
        var prec = new double[players];
        for (int it = 0; it < 200_000; it++)
        {
            for (int k = 0; k < players; k++)
            {
                double h = mu / v, pk = 1 / v;
                for (int g = 0; g < games; g++)
                {
                    if (winners[g] == k) { h += (ed[g] + es[losers[g]]) / nv; pk += 1 / nv; }
                    if (losers[g] == k) { h += (es[winners[g]] - ed[g]) / nv; pk += 1 / nv; }
                }
                es[k] = h / pk; prec[k] = pk;
            }
            for (int g = 0; g < games; g++) ed[g] = TruncatedNormal(es[winners[g]] - es[losers[g]], nv, true).Mean;
        }
        for (int k = 0; k < players; k++)
        {
            Assert.True(Math.Abs(es[k] - post[k].GetMean()) < 1e-7, $"skill {k}: {post[k]} vs mean field {es[k]}");
            Assert.Equal(1 / prec[k], post[k].GetVariance(), 10);
        }
        for (int k = 0; k < players - 1; k++) Assert.True(post[k].GetMean() > post[k + 1].GetMean());
    }

    [Fact]
    public void TrueSkill_PerformanceDifference_UnderVmp_SaysWhyAndWhatToWrite()
    {
        var sw = Variable.GaussianFromMeanAndVariance(25, 69);
        var sl = Variable.GaussianFromMeanAndVariance(25, 69);
        var pw = Variable.GaussianFromMeanAndVariance(sw, 17);
        var pl = Variable.GaussianFromMeanAndVariance(sl, 17);
        Variable.ConstrainTrue(pw > pl);
        var ex = Assert.Throws<NotSupportedException>(() => Vmp(5).Infer<Gaussian>(sw));
        Assert.Contains("IsPositive", ex.Message);
        Assert.Contains("ExpectationPropagation", ex.Message);
        Assert.Contains("GaussianFromMeanAndVariance", ex.Message);
    }

    [Fact]
    public void ObservedIsPositive_InGatesOnObservedSelectors_EqualsTheModelWithoutTheSkippedPoints()
    {
        // Censoring by an observed flag: a point's sign counts only where it is not censored (the censored points'
        // Bernoulli(0.5) says nothing about the mean). Under VMP that is the ungated model written point by point with
        // the sign observed where uncensored (every y stays in the mean field), which the engine already solves; the
        // gated one must give the same posterior and bound.
        bool[] censored = [true, false, true, false, false];
        bool[] sign = [true, true, true, false, true];
        static (Gaussian Mean, double LogEvidence) Fit(bool[] censored, bool[] sign, bool gated)
        {
            var evidence = Variable.Bernoulli(0.5).Named("evidence");
            using var block = Variable.If(evidence);
            var mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
            if (gated)
            {
                Range n = new Range(censored.Length).Named("n");
                var isCensored = Variable.Observed(censored, n).Named("isCensored");
                var positive = Variable.Array<bool>(n).Named("positive");
                using (Variable.ForEach(n))
                {
                    var y = Variable.GaussianFromMeanAndVariance(mean, 1).Named("y");
                    using (Variable.IfNot(isCensored[n])) positive[n] = Variable.IsPositive(y);
                    using (Variable.If(isCensored[n])) positive[n] = Variable.Bernoulli(0.5);
                }
                positive.ObservedValue = sign;
            }
            else
            {
                // one scalar y per point; the sign is observed for the uncensored points only
                for (int i = 0; i < censored.Length; i++)
                {
                    var y = Variable.GaussianFromMeanAndVariance(mean, 1).Named("y" + i);
                    if (!censored[i]) Variable.IsPositive(y).Named("positive" + i).ObservedValue = sign[i];
                }
            }
            block.Dispose();
            var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
            var q = engine.Infer<Gaussian>(mean);
            return (q, engine.Infer<Bernoulli>(evidence).LogOdds);
        }
        var (gatedMean, gatedEvidence) = Fit(censored, sign, gated: true);
        var (plainMean, plainEvidence) = Fit(censored, sign, gated: false);
        Assert.True(Math.Abs(gatedMean.GetMean() - plainMean.GetMean()) < 1e-9, $"{gatedMean} vs {plainMean}");
        Assert.True(Math.Abs(gatedMean.GetVariance() - plainMean.GetVariance()) < 1e-9, $"{gatedMean} vs {plainMean}");
        // the censored points add log 0.5 each to the gated model's evidence
        Assert.True(Math.Abs(gatedEvidence - (plainEvidence + 2 * Math.Log(0.5))) < 1e-9, $"{gatedEvidence} vs {plainEvidence} + 2 log 0.5");
    }
}
