#include "core/labelling/bradley_terry.h"

#include "core/dataset.h"
#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <numeric>

namespace ranker {

namespace {

/// Comparisons of one unordered pair of items, summed: `n` of them, `s` won by `i`.
struct Edge
{
    int32_t i = 0, j = 0;
    double n = 0, s = 0;
};

double sigmoid(double x)
{
    return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

/// log(sigmoid(x)), without overflow for large |x|.
double logSigmoid(double x)
{
    return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
}

double logPosterior(const std::vector<Edge> &edges, const std::vector<double> &theta, double priorVar)
{
    double f = 0;
    for (const Edge &e : edges) {
        const double d = theta[size_t(e.i)] - theta[size_t(e.j)];
        f += e.s * logSigmoid(d) + (e.n - e.s) * logSigmoid(-d);
    }
    for (double t : theta)
        f -= t * t / (2 * priorVar);
    return f;
}

/// The negative Hessian A = Σ w (e_i − e_j)(e_i − e_j)ᵀ + I/σ², applied to x.
void applyNegHessian(const std::vector<Edge> &edges, const std::vector<double> &w, double priorVar,
                     const std::vector<double> &x, std::vector<double> &out)
{
    for (size_t k = 0; k < x.size(); ++k)
        out[k] = x[k] / priorVar;
    for (size_t k = 0; k < edges.size(); ++k) {
        const size_t i = size_t(edges[k].i), j = size_t(edges[k].j);
        const double v = w[k] * (x[i] - x[j]);
        out[i] += v;
        out[j] -= v;
    }
}

/// Solves A x = b by conjugate gradients with a Jacobi preconditioner (A is symmetric positive definite).
std::vector<double> solve(const std::vector<Edge> &edges, const std::vector<double> &w, double priorVar,
                          const std::vector<double> &diag, const std::vector<double> &b)
{
    const size_t n = b.size();
    std::vector<double> x(n, 0.0), r = b, z(n), p(n), q(n);
    for (size_t k = 0; k < n; ++k)
        z[k] = r[k] / diag[k];
    p = z;
    double rz = std::inner_product(r.begin(), r.end(), z.begin(), 0.0);
    const double bnorm = std::sqrt(std::inner_product(b.begin(), b.end(), b.begin(), 0.0));
    if (bnorm == 0)
        return x;
    for (size_t it = 0; it < 4 * n + 20; ++it) {
        applyNegHessian(edges, w, priorVar, p, q);
        const double alpha = rz / std::inner_product(p.begin(), p.end(), q.begin(), 0.0);
        for (size_t k = 0; k < n; ++k) {
            x[k] += alpha * p[k];
            r[k] -= alpha * q[k];
        }
        if (std::sqrt(std::inner_product(r.begin(), r.end(), r.begin(), 0.0)) <= 1e-12 * bnorm)
            break;
        for (size_t k = 0; k < n; ++k)
            z[k] = r[k] / diag[k];
        const double rzNew = std::inner_product(r.begin(), r.end(), z.begin(), 0.0);
        const double beta = rzNew / rz;
        rz = rzNew;
        for (size_t k = 0; k < n; ++k)
            p[k] = z[k] + beta * p[k];
    }
    return x;
}

/// diag(A⁻¹) for the items in `members` (A restricted to them is A itself: the rest have no edges
/// to them), by a dense Cholesky factorisation A = L Lᵀ and diag(A⁻¹)_i = Σ_k (L⁻¹)_ki².
std::vector<double> denseInverseDiagonal(const std::vector<int32_t> &members, const std::vector<Edge> &edges,
                                         const std::vector<double> &w, double priorVar, size_t itemCount)
{
    const size_t m = members.size();
    std::vector<int64_t> local(itemCount, -1);
    for (size_t k = 0; k < m; ++k)
        local[size_t(members[k])] = int64_t(k);
    std::vector<double> a(m * m, 0.0);
    for (size_t k = 0; k < m; ++k)
        a[k * m + k] = 1.0 / priorVar;
    for (size_t k = 0; k < edges.size(); ++k) {
        const size_t i = size_t(local[size_t(edges[k].i)]), j = size_t(local[size_t(edges[k].j)]);
        a[i * m + i] += w[k];
        a[j * m + j] += w[k];
        a[i * m + j] -= w[k];
        a[j * m + i] -= w[k];
    }
    // In-place Cholesky: the lower triangle becomes L.
    for (size_t j = 0; j < m; ++j) {
        double d = a[j * m + j];
        for (size_t k = 0; k < j; ++k)
            d -= a[j * m + k] * a[j * m + k];
        d = std::sqrt(std::max(d, 1e-300));
        a[j * m + j] = d;
        for (size_t i = j + 1; i < m; ++i) {
            double v = a[i * m + j];
            for (size_t k = 0; k < j; ++k)
                v -= a[i * m + k] * a[j * m + k];
            a[i * m + j] = v / d;
        }
    }
    // Column c of L⁻¹ by forward substitution; accumulate its squares into diag(A⁻¹).
    std::vector<double> out(m, 0.0), col(m);
    for (size_t c = 0; c < m; ++c) {
        std::fill(col.begin(), col.end(), 0.0);
        col[c] = 1.0 / a[c * m + c];
        out[c] += col[c] * col[c];
        for (size_t i = c + 1; i < m; ++i) {
            double v = 0;
            for (size_t k = c; k < i; ++k)
                v -= a[i * m + k] * col[k];
            col[i] = v / a[i * m + i];
            out[c] += col[i] * col[i];
        }
    }
    return out;
}

} // namespace

std::vector<int32_t> BradleyTerryFit::ranking() const
{
    std::vector<int32_t> order(items.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [this](int32_t x, int32_t y) { return items[size_t(x)].strength > items[size_t(y)].strength; });
    return order;
}

BradleyTerryFit fitBradleyTerry(size_t itemCount, const std::vector<Comparison> &comparisons,
                                const BradleyTerryOptions &options)
{
    if (!(options.priorSd > 0) || !std::isfinite(options.priorSd))
        throw Error("Bradley–Terry: the prior's standard deviation must be positive");
    const double priorVar = options.priorSd * options.priorSd;
    BradleyTerryFit fit;
    fit.items.resize(itemCount);
    for (size_t i = 0; i < itemCount; ++i)
        fit.items[i].item = int32_t(i);

    // Sum the comparisons per unordered pair, in a fixed order (sorted by the pair).
    std::vector<Edge> raw;
    raw.reserve(comparisons.size());
    for (const Comparison &c : comparisons) {
        if (c.a < 0 || c.b < 0 || size_t(c.a) >= itemCount || size_t(c.b) >= itemCount)
            throw Error("Bradley–Terry: comparison of item " + std::to_string(c.a) + " and " + std::to_string(c.b) +
                        " is out of range (" + std::to_string(itemCount) + " items)");
        if (c.a == c.b)
            continue;
        const double s = std::clamp(c.scoreA, 0.0, 1.0);
        (s == 0.5 ? fit.ties : fit.decisive) += 1;
        fit.items[size_t(c.a)].comparisons += 1;
        fit.items[size_t(c.b)].comparisons += 1;
        fit.items[size_t(c.a)].wins += s;
        fit.items[size_t(c.b)].wins += 1 - s;
        raw.push_back(c.a < c.b ? Edge{c.a, c.b, 1, s} : Edge{c.b, c.a, 1, 1 - s});
    }
    std::sort(raw.begin(), raw.end(), [](const Edge &x, const Edge &y) { return x.i != y.i ? x.i < y.i : x.j < y.j; });
    std::vector<Edge> edges;
    for (const Edge &e : raw) {
        if (!edges.empty() && edges.back().i == e.i && edges.back().j == e.j) {
            edges.back().n += e.n;
            edges.back().s += e.s;
        } else {
            edges.push_back(e);
        }
    }

    const size_t n = itemCount;
    std::vector<double> theta(n, 0.0), grad(n), w(edges.size()), diag(n), trial(n);
    double f = logPosterior(edges, theta, priorVar);
    auto curvature = [&](const std::vector<double> &t) {
        std::fill(diag.begin(), diag.end(), 1.0 / priorVar);
        for (size_t k = 0; k < edges.size(); ++k) {
            const double p = sigmoid(t[size_t(edges[k].i)] - t[size_t(edges[k].j)]);
            w[k] = edges[k].n * p * (1 - p);
            diag[size_t(edges[k].i)] += w[k];
            diag[size_t(edges[k].j)] += w[k];
        }
    };
    for (fit.iterations = 0; fit.iterations < options.maxIterations;) {
        for (size_t k = 0; k < n; ++k)
            grad[k] = -theta[k] / priorVar;
        for (const Edge &e : edges) {
            const double p = sigmoid(theta[size_t(e.i)] - theta[size_t(e.j)]);
            grad[size_t(e.i)] += e.s - e.n * p;
            grad[size_t(e.j)] -= e.s - e.n * p;
        }
        curvature(theta);
        const std::vector<double> step = solve(edges, w, priorVar, diag, grad);
        ++fit.iterations;
        // The log-posterior is concave: a Newton step that does not raise it is halved.
        double scale = 1.0, fTrial = f;
        for (int halving = 0; halving < 30; ++halving, scale *= 0.5) {
            for (size_t k = 0; k < n; ++k)
                trial[k] = theta[k] + scale * step[k];
            fTrial = logPosterior(edges, trial, priorVar);
            if (fTrial >= f)
                break;
        }
        double moved = 0;
        for (size_t k = 0; k < n; ++k)
            moved = std::max(moved, std::fabs(trial[k] - theta[k]));
        if (fTrial < f) { // no step helps: at the optimum to rounding
            fit.converged = true;
            break;
        }
        theta.swap(trial);
        f = fTrial;
        if (moved <= options.tolerance) {
            fit.converged = true;
            break;
        }
    }
    fit.logPosterior = f;

    // Intervals from the negative Hessian at the optimum.
    curvature(theta);
    std::vector<int32_t> compared;
    for (size_t i = 0; i < n; ++i)
        if (fit.items[i].comparisons > 0)
            compared.push_back(int32_t(i));
    std::vector<double> variance(n, priorVar); // an item never compared: the prior's width
    if (int64_t(compared.size()) <= options.maxDenseItems) {
        const std::vector<double> inv = denseInverseDiagonal(compared, edges, w, priorVar, n);
        for (size_t k = 0; k < compared.size(); ++k)
            variance[size_t(compared[k])] = inv[k];
    } else {
        fit.exactIntervals = false;
        for (int32_t i : compared)
            variance[size_t(i)] = 1.0 / diag[size_t(i)];
    }
    for (size_t i = 0; i < n; ++i) {
        BradleyTerryItem &item = fit.items[i];
        item.strength = theta[i];
        item.stdError = std::sqrt(variance[i]);
        item.low = theta[i] - 1.96 * item.stdError;
        item.high = theta[i] + 1.96 * item.stdError;
    }
    return fit;
}

BradleyTerryFit fitBradleyTerry(const Dataset &ds, const BradleyTerryOptions &options)
{
    std::vector<Comparison> comparisons;
    comparisons.reserve(ds.pairs.size());
    for (const Pair &p : ds.pairs)
        comparisons.push_back({p.a, p.b, p.label > 0 ? 1.0 : p.label < 0 ? 0.0 : 0.5});
    return fitBradleyTerry(ds.items.size(), comparisons, options);
}

std::vector<RankComparison> compareWithModel(const BradleyTerryFit &fit, const std::vector<double> &modelScores)
{
    if (modelScores.size() != fit.items.size())
        throw Error("Bradley–Terry: " + std::to_string(modelScores.size()) + " model scores for " +
                    std::to_string(fit.items.size()) + " items");
    std::vector<int32_t> compared;
    for (const BradleyTerryItem &item : fit.items)
        if (item.comparisons > 0)
            compared.push_back(item.item);
    // Ranks among the compared items, by the labels and by the model (equal values keep item order).
    auto ranksBy = [&](auto value) {
        std::vector<int32_t> order = compared;
        std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return value(x) > value(y); });
        std::vector<int64_t> rank(fit.items.size(), 0);
        for (size_t k = 0; k < order.size(); ++k)
            rank[size_t(order[k])] = int64_t(k + 1);
        return rank;
    };
    const std::vector<int64_t> labelRank = ranksBy([&](int32_t i) { return fit.items[size_t(i)].strength; });
    const std::vector<int64_t> modelRank = ranksBy([&](int32_t i) { return modelScores[size_t(i)]; });
    // Where an item's interval ends fall among the other items' strengths: the rank range the labels allow.
    std::vector<double> strengths;
    for (int32_t i : compared)
        strengths.push_back(fit.items[size_t(i)].strength);
    std::sort(strengths.begin(), strengths.end(), std::greater<double>());
    auto rankOf = [&](double strength) {
        return int64_t(std::upper_bound(strengths.begin(), strengths.end(), strength, std::greater<double>()) -
                       strengths.begin());
    };
    std::vector<RankComparison> out;
    for (int32_t i : compared) {
        const BradleyTerryItem &b = fit.items[size_t(i)];
        RankComparison c;
        c.item = i;
        c.labelRank = labelRank[size_t(i)];
        c.modelRank = modelRank[size_t(i)];
        c.modelScore = modelScores[size_t(i)];
        const int64_t best = rankOf(b.high) + 1, worst = std::max<int64_t>(1, rankOf(b.low));
        c.outsideInterval = c.modelRank < best || c.modelRank > worst;
        out.push_back(c);
    }
    std::stable_sort(out.begin(), out.end(), [](const RankComparison &x, const RankComparison &y) {
        const int64_t dx = std::llabs(x.labelRank - x.modelRank), dy = std::llabs(y.labelRank - y.modelRank);
        return dx != dy ? dx > dy : x.labelRank < y.labelRank;
    });
    return out;
}

} // namespace ranker
