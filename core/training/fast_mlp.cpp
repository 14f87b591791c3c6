#include "core/training/fast_mlp.h"

#include "core/error.h"
#include "core/model.h"
#include "core/training/work_pool.h"

#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>

namespace ranker {

namespace {

enum Parameter { W1, B1, W2, B2, W3, B3 };

constexpr float kBeta1f = 0.9f, kBeta2f = 0.999f, kEps = 1e-8f;
constexpr double kBeta1 = 0.9, kBeta2 = 0.999;
// Rows of one evaluation task: fixed, so that a row's score never depends on the thread count.
constexpr int kEvalChunk = 256;
// Below this a product is not worth a task of its own (about 50 µs of one core).
constexpr double kMinTaskFlops = 4e6;

struct AdamCoefficients
{
    float stepSize = 0;
    float bias2Sqrt = 1;
    float decay = 0;
};

// The LibTorch path's fused Adam, operation for operation (so the same rounding), compiled for
// AVX2 too where the CPU has it: sqrt and division are exact at any vector width and the file is
// built with -ffp-contract=off, so both versions give the same bits. It is 2.5–3× faster than
// the x86-64 baseline, and Adam over 460,000 parameters is an eighth of a step at the seed's shapes.
__attribute__((target_clones("avx2", "default"))) void adamUpdate(float *__restrict p, const float *__restrict g,
                                                                  float *__restrict m, float *__restrict v, int64_t n,
                                                                  AdamCoefficients c)
{
    for (int64_t k = 0; k < n; ++k) {
        const float gk = g[k] + c.decay * p[k];
        const float mk = kBeta1f * m[k] + (1.0f - kBeta1f) * gk;
        const float vk = kBeta2f * v[k] + (1.0f - kBeta2f) * gk * gk;
        m[k] = mk;
        v[k] = vk;
        p[k] -= c.stepSize * mk / (std::sqrt(vk) / c.bias2Sqrt + kEps);
    }
}

// The elementwise parts of a step, one row segment at a time, written as selects the compiler
// vectorises, and built for AVX2 too (integer multiplies of the dropout hash need it to vectorise).
// None of them reassociates anything, so every build gives the same bits.
#define RANKER_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))

inline uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/// ReLU as PyTorch's (NaN passes through), in place.
RANKER_VECTOR_CLONES void reluRow(float *z, int n)
{
    for (int c = 0; c < n; ++c) {
        const float v = z[c];
        z[c] = v <= 0.0f ? 0.0f : v;
    }
}

/// ReLU then dropout, in place; `mask` gets the factor the backward pass applies (the dropout
/// scale where ReLU's gradient passes, 0 elsewhere). Element c's draw is the hash of base + c:
/// the same whichever task computes it. dropBelow 0: no dropout.
RANKER_VECTOR_CLONES void reluDropoutRow(float *z, float *mask, int n, uint32_t base, uint32_t key0, uint32_t key1,
                                         uint32_t dropBelow, float keepScale)
{
    for (int c = 0; c < n; ++c) {
        const uint32_t u = mix32(mix32((base + uint32_t(c)) ^ key0) + key1);
        const float scale = u < dropBelow ? 0.0f : keepScale;
        const float v = z[c];
        const bool passes = !(v <= 0.0f); // PyTorch's ReLU gradient: result > 0 (NaN passes too)
        const float scaled = v * scale;
        z[c] = passes ? scaled : 0.0f;
        mask[c] = passes ? scale : 0.0f;
    }
}

RANKER_VECTOR_CLONES void reluMaskRow(float *z, float *mask, int n)
{
    for (int c = 0; c < n; ++c) {
        const float v = z[c];
        const bool passes = !(v <= 0.0f);
        z[c] = passes ? v : 0.0f;
        mask[c] = passes ? 1.0f : 0.0f;
    }
}

/// The score layer's gradient through the second ReLU: g = a > 0 ? ds·w3 : 0.
RANKER_VECTOR_CLONES void scoreGradientRow(const float *a, float *g, float ds, const float *w3, int n)
{
    for (int c = 0; c < n; ++c) {
        const float v = ds * w3[c];
        g[c] = a[c] <= 0.0f ? 0.0f : v;
    }
}

RANKER_VECTOR_CLONES void multiplyRow(float *g, const float *m, int n)
{
    for (int c = 0; c < n; ++c)
        g[c] *= m[c];
}

RANKER_VECTOR_CLONES void addRowPair(float *sum, const float *a, const float *b, int n)
{
    for (int c = 0; c < n; ++c)
        sum[c] += a[c] + b[c];
}

/// A bias gradient: out[j] = Σ_i (a[i, j] + a[n + i, j]) over the batch's pairs, rows i (A) and
/// n + i (B) added first. Where a pair's two rows carry opposite gradients, as every row does in
/// the score layer and in units active for both items, they cancel exactly: the pairwise loss
/// cannot see a bias shared by A and B, and its gradient is then exactly zero instead of
/// rounding noise that Adam would turn into steps of the learning rate. Fixed order.
void biasGradient(const float *a, int pairs, int columns, int ld, float *out)
{
    std::fill(out, out + columns, 0.0f);
    for (int i = 0; i < pairs; ++i)
        addRowPair(out, a + size_t(i) * size_t(ld), a + size_t(pairs + i) * size_t(ld), columns);
}

void fillRows(float *c, int rows, int columns, int ld, const float *bias)
{
    for (int r = 0; r < rows; ++r)
        std::memcpy(c + size_t(r) * size_t(ld), bias, sizeof(float) * size_t(columns));
}

void relu(float *c, int rows, int columns, int ld)
{
    for (int r = 0; r < rows; ++r)
        reluRow(c + size_t(r) * size_t(ld), columns);
}

uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/// A product's output columns in blocks of `width` (a multiple of 16), the last one shorter.
struct Split
{
    int count = 1;
    int width = 0;
    int begin(int block) const { return block * width; }
    int end(int block, int total) const { return std::min(total, (block + 1) * width); }
};

Split splitColumns(int columns, double flopsPerColumn, int maxBlocks)
{
    Split s;
    s.count = std::clamp(int(double(columns) * flopsPerColumn / kMinTaskFlops), 1, std::max(1, maxBlocks));
    s.width = ((columns + s.count - 1) / s.count + 15) / 16 * 16;
    s.count = (columns + s.width - 1) / s.width;
    return s;
}

} // namespace

struct FastRanker::Buffers
{
    // How each product is split: fixed by the shapes at construction.
    Split layer1;   ///< columns of h1 (forward)
    Split layer2;   ///< columns of h2 (forward), of dz1 (backward) and rows of dw2
    Split weights1; ///< columns of dw1 (backward, fused with Adam)

    std::vector<float> x;     ///< [R, F] the batch's rows: A of every pair, then B
    std::vector<float> h1;    ///< [R, H] relu(x·w1ᵀ + b1) after dropout
    std::vector<float> mask1; ///< [R, H] dropout scale where h1's ReLU passed, else 0
    std::vector<float> h2;    ///< [R, H] relu(h1·w2ᵀ + b2)
    std::vector<float> s, ds; ///< [R] scores and their gradient
    std::vector<float> dz2;   ///< [R, H]
    std::vector<float> dz1;   ///< [R, H]
    std::vector<float> dw2;   ///< [H, H]
    std::vector<float> db1, db2, dw3;
    /// Per worker: a block of dw1, or an evaluation chunk's rows and activations.
    std::vector<std::vector<float>> scratch;
    size_t scratchSize = 0;

    void ensureWorkers(int workers)
    {
        if (int(scratch.size()) < workers)
            scratch.resize(size_t(workers));
        for (std::vector<float> &s : scratch)
            if (s.size() < scratchSize)
                s.assign(scratchSize, 0.0f);
    }
};

FastRanker::FastRanker(const FastShape &shape, double dropout, double learningRate, double weightDecay)
    : m_shape(shape), m_dropout(dropout), m_learningRate(learningRate), m_weightDecay(float(weightDecay))
{
    const size_t f = size_t(shape.features), h = size_t(shape.hidden);
    if (f == 0 || h == 0 || shape.maxBatch <= 0)
        throw Error("the fast path needs at least one feature, one hidden unit and one pair per batch");
    const size_t sizes[6] = {h * f, h, h * h, h, h, 1};
    for (int i = 0; i < 6; ++i) {
        m_param[i].assign(sizes[i], 0.0f);
        m_expAvg[i].assign(sizes[i], 0.0f);
        m_expAvgSq[i].assign(sizes[i], 0.0f);
    }
    m_buffers = new Buffers;
    Buffers &b = *m_buffers;
    const size_t rows = 2 * size_t(shape.maxBatch);
    const double r = double(rows);
    const int wide = std::max(2, shape.hidden / 128);
    b.layer1 = splitColumns(shape.hidden, 2 * r * double(f), wide);
    b.layer2 = splitColumns(shape.hidden, 2 * r * double(h), wide);
    b.weights1 = splitColumns(shape.features, 2 * r * double(h), std::clamp(shape.features / 384, 1, 8));
    b.x.assign(rows * f, 0.0f);
    for (std::vector<float> *v : {&b.h1, &b.mask1, &b.h2, &b.dz2, &b.dz1})
        v->assign(rows * h, 0.0f);
    b.s.assign(rows, 0.0f);
    b.ds.assign(rows, 0.0f);
    b.dw2.assign(h * h, 0.0f);
    for (std::vector<float> *v : {&b.db1, &b.db2, &b.dw3})
        v->assign(h, 0.0f);
    b.scratchSize = std::max(h * size_t(b.weights1.width), size_t(kEvalChunk) * (f + 2 * h + 1));
}

FastRanker::~FastRanker()
{
    delete m_buffers;
}

std::vector<std::vector<float>> FastRanker::parameters() const
{
    return std::vector<std::vector<float>>(std::begin(m_param), std::end(m_param));
}

void FastRanker::setParameters(const std::vector<std::vector<float>> &parameters)
{
    if (parameters.size() != 6)
        throw Error("the ranker has six parameters");
    for (size_t i = 0; i < 6; ++i)
        if (parameters[i].size() != m_param[i].size())
            throw Error("parameter " + std::to_string(i) + " has " + std::to_string(parameters[i].size()) +
                        " values, the model " + std::to_string(m_param[i].size()));
    for (size_t i = 0; i < 6; ++i)
        m_param[i] = parameters[i];
}

void FastRanker::setWeights(const ModelWeights &w)
{
    setParameters({w.w1, w.b1, w.w2, w.b2, w.w3, w.b3});
}

void FastRanker::copyWeightsTo(ModelWeights &w) const
{
    w.hiddenDim = m_shape.hidden;
    w.w1 = m_param[W1];
    w.b1 = m_param[B1];
    w.w2 = m_param[W2];
    w.b2 = m_param[B2];
    w.w3 = m_param[W3];
    w.b3 = m_param[B3];
}

OptimizerState FastRanker::optimizerState() const
{
    OptimizerState out;
    if (m_step == 0)
        return out;
    out.step = m_step;
    out.expAvg.assign(std::begin(m_expAvg), std::end(m_expAvg));
    out.expAvgSq.assign(std::begin(m_expAvgSq), std::end(m_expAvgSq));
    return out;
}

void FastRanker::setOptimizerState(const OptimizerState &saved)
{
    if (saved.empty()) {
        m_step = 0;
        for (int i = 0; i < 6; ++i) {
            std::fill(m_expAvg[i].begin(), m_expAvg[i].end(), 0.0f);
            std::fill(m_expAvgSq[i].begin(), m_expAvgSq[i].end(), 0.0f);
        }
        return;
    }
    if (saved.expAvg.size() != 6 || saved.expAvgSq.size() != 6)
        return; // not a ranker's Adam state: start fresh, as the LibTorch path does
    for (size_t i = 0; i < 6; ++i)
        if (saved.expAvg[i].size() != m_param[i].size() || saved.expAvgSq[i].size() != m_param[i].size())
            throw Error("the checkpoint's Adam state does not fit the model's parameter " + std::to_string(i));
    m_step = saved.step;
    for (size_t i = 0; i < 6; ++i) {
        m_expAvg[i] = saved.expAvg[i];
        m_expAvgSq[i] = saved.expAvgSq[i];
    }
}

bool FastRanker::parametersFinite() const
{
    for (const std::vector<float> &p : m_param)
        for (float v : p)
            if (!std::isfinite(v))
                return false;
    return true;
}

double FastRanker::step(const Batch &batch, float *diff, WorkPool &pool)
{
    Buffers &b = *m_buffers;
    b.ensureWorkers(pool.threads());
    const int n = std::min(batch.pairs, m_shape.maxBatch);
    const int rows = 2 * n, F = m_shape.features, H = m_shape.hidden;
    if (n <= 0)
        return 0;
    float *x = b.x.data(), *h1 = b.h1.data(), *mask1 = b.mask1.data(), *h2 = b.h2.data();
    const float *w1 = m_param[W1].data(), *w2 = m_param[W2].data(), *w3 = m_param[W3].data();

    // The batch's rows, A of every pair then B (one pass scores both).
    auto gather = [&](int r0, int r1) {
        for (int r = r0; r < r1; ++r) {
            const int32_t item = r < n ? batch.itemA[r] : batch.itemB[r - n];
            std::memcpy(x + size_t(r) * size_t(F), batch.features + size_t(item) * size_t(F),
                        sizeof(float) * size_t(F));
        }
    };
    constexpr int kGatherRows = 16;
    if (size_t(rows) * size_t(F) >= 32768)
        pool.run((rows + kGatherRows - 1) / kGatherRows,
                 [&](int t, int) { gather(t * kGatherRows, std::min(rows, (t + 1) * kGatherRows)); });
    else
        gather(0, rows);

    // Layer 1, ReLU and dropout (mask1 keeps what the backward pass needs of both).
    // As PyTorch: the kept values are multiplied by 1 / float(1 − p).
    const bool dropout = m_dropout > 0.0;
    const float keepScale = dropout ? 1.0f / float(1.0 - m_dropout) : 1.0f;
    const uint32_t dropBelow = uint32_t(std::min(4294967295.0, std::round(m_dropout * 4294967296.0)));
    const uint32_t key0 = uint32_t(batch.dropoutKey), key1 = uint32_t(batch.dropoutKey >> 32);
    pool.run(b.layer1.count, [&](int t, int) {
        const int c0 = b.layer1.begin(t), c1 = b.layer1.end(t, H), w = c1 - c0;
        fillRows(h1 + c0, rows, w, H, m_param[B1].data() + c0);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, w, F, 1.0f, x, F, w1 + size_t(c0) * size_t(F), F,
                    1.0f, h1 + c0, H);
        for (int r = 0; r < rows; ++r) {
            float *z = h1 + size_t(r) * size_t(H) + c0, *m = mask1 + size_t(r) * size_t(H) + c0;
            if (dropout)
                reluDropoutRow(z, m, w, uint32_t(r * H + c0), key0, key1, dropBelow, keepScale);
            else
                reluMaskRow(z, m, w);
        }
    });

    // Layer 2 and ReLU.
    pool.run(b.layer2.count, [&](int t, int) {
        const int c0 = b.layer2.begin(t), c1 = b.layer2.end(t, H), w = c1 - c0;
        fillRows(h2 + c0, rows, w, H, m_param[B2].data() + c0);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, w, H, 1.0f, h1, H, w2 + size_t(c0) * size_t(H), H,
                    1.0f, h2 + c0, H);
        relu(h2 + c0, rows, w, H);
    });

    // Scores, the loss and its gradient (the LibTorch path's pairLoss and mean).
    float *s = b.s.data(), *ds = b.ds.data();
    std::fill(s, s + rows, m_param[B3][0]);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, rows, H, 1.0f, h2, H, w3, 1, 1.0f, s, 1);
    const float perPair = 1.0f / float(n);
    const float margin = batch.margin;
    float lossSum = 0.0f;
    for (int i = 0; i < n; ++i) {
        const float d = s[i] - s[n + i];
        diff[i] = d;
        const float y = batch.label[i];
        float loss = 0.0f, gradient = 0.0f;
        if (batch.hasTies && y == 0.0f) {
            const float hinge = std::fabs(d) - margin; // max(0, |d| − margin)
            loss = hinge < 0.0f ? 0.0f : hinge;
            gradient = hinge >= 0.0f ? perPair * float((d > 0.0f) - (d < 0.0f)) : 0.0f;
        } else {
            const float hinge = margin - y * d; // max(0, margin − y·d)
            loss = hinge < 0.0f ? 0.0f : hinge;
            gradient = hinge >= 0.0f ? -(perPair * y) : 0.0f; // clamp_min passes its gradient at 0
        }
        lossSum += loss;
        ds[i] = gradient;
        ds[n + i] = -gradient;
    }
    const float lossValue = lossSum / float(n);
    if (!std::isfinite(lossValue))
        return double(lossValue);

    // Backward through the score layer and the second ReLU.
    float *dz2 = b.dz2.data(), *dz1 = b.dz1.data(), *dw2 = b.dw2.data();
    cblas_sgemv(CblasRowMajor, CblasTrans, rows, H, 1.0f, h2, H, ds, 1, 0.0f, b.dw3.data(), 1);
    float db3 = 0.0f; // exactly 0: a score offset cancels in s_a − s_b (see biasGradient)
    for (int i = 0; i < n; ++i)
        db3 += ds[i] + ds[n + i];
    for (int r = 0; r < rows; ++r)
        scoreGradientRow(h2 + size_t(r) * size_t(H), dz2 + size_t(r) * size_t(H), ds[r], w3, H);

    // dz1 = (dz2·w2) ⊙ mask1 by column blocks, dw2 = dz2ᵀ·h1 by row blocks, db2: all need w2 as it
    // was, so Adam waits for the next region.
    const int l2 = b.layer2.count;
    pool.run(2 * l2 + 1, [&](int t, int) {
        if (t < l2) {
            const int c0 = b.layer2.begin(t), c1 = b.layer2.end(t, H), w = c1 - c0;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, w, H, 1.0f, dz2, H, w2 + c0, H, 0.0f, dz1 + c0,
                        H);
            for (int r = 0; r < rows; ++r)
                multiplyRow(dz1 + size_t(r) * size_t(H) + c0, mask1 + size_t(r) * size_t(H) + c0, w);
        } else if (t < 2 * l2) {
            const int r0 = b.layer2.begin(t - l2), r1 = b.layer2.end(t - l2, H);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1 - r0, H, rows, 1.0f, dz2 + r0, H, h1, H, 0.0f,
                        dw2 + size_t(r0) * size_t(H), H);
        } else {
            biasGradient(dz2, n, H, H, b.db2.data());
        }
    });

    // Adam, fused with dw1: each block of w1's columns gets its gradient into per-thread scratch
    // (still in cache) and is updated at once; w2 by rows; the small parameters in one task.
    ++m_step;
    AdamCoefficients adam;
    adam.stepSize = float(m_learningRate / (1.0 - std::pow(kBeta1, double(m_step))));
    adam.bias2Sqrt = float(std::sqrt(1.0 - std::pow(kBeta2, double(m_step))));
    adam.decay = m_weightDecay;
    const int k1 = b.weights1.count;
    pool.run(k1 + l2 + 1, [&](int t, int worker) {
        if (t < k1) {
            const int c0 = b.weights1.begin(t), c1 = b.weights1.end(t, F), w = c1 - c0;
            float *g = b.scratch[size_t(worker)].data();
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, w, rows, 1.0f, dz1, H, x + c0, F, 0.0f, g, w);
            for (int h = 0; h < H; ++h) {
                const size_t at = size_t(h) * size_t(F) + size_t(c0);
                adamUpdate(m_param[W1].data() + at, g + size_t(h) * size_t(w), m_expAvg[W1].data() + at,
                           m_expAvgSq[W1].data() + at, w, adam);
            }
        } else if (t < k1 + l2) {
            const size_t r0 = size_t(b.layer2.begin(t - k1)), r1 = size_t(b.layer2.end(t - k1, H));
            const size_t at = r0 * size_t(H), count = (r1 - r0) * size_t(H);
            adamUpdate(m_param[W2].data() + at, dw2 + at, m_expAvg[W2].data() + at, m_expAvgSq[W2].data() + at,
                       int64_t(count), adam);
        } else {
            biasGradient(dz1, n, H, H, b.db1.data());
            const float *grads[4] = {b.db1.data(), b.db2.data(), b.dw3.data(), &db3};
            const Parameter which[4] = {B1, B2, W3, B3};
            for (int i = 0; i < 4; ++i) {
                const Parameter p = which[i];
                adamUpdate(m_param[p].data(), grads[i], m_expAvg[p].data(), m_expAvgSq[p].data(),
                           int64_t(m_param[p].size()), adam);
            }
        }
    });
    return double(lossValue);
}

void FastRanker::score(const float *features, const int32_t *rows, int64_t count, float *out, WorkPool &pool)
{
    Buffers &b = *m_buffers;
    b.ensureWorkers(pool.threads());
    const int F = m_shape.features, H = m_shape.hidden;
    const int chunks = int((count + kEvalChunk - 1) / kEvalChunk);
    pool.run(chunks, [&](int t, int worker) {
        const int64_t r0 = int64_t(t) * kEvalChunk;
        const int n = int(std::min<int64_t>(kEvalChunk, count - r0));
        float *x = b.scratch[size_t(worker)].data();
        float *a1 = x + size_t(kEvalChunk) * size_t(F), *a2 = a1 + size_t(kEvalChunk) * size_t(H);
        float *s = a2 + size_t(kEvalChunk) * size_t(H);
        for (int r = 0; r < n; ++r)
            std::memcpy(x + size_t(r) * size_t(F), features + size_t(rows[r0 + r]) * size_t(F),
                        sizeof(float) * size_t(F));
        fillRows(a1, n, H, H, m_param[B1].data());
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, H, F, 1.0f, x, F, m_param[W1].data(), F, 1.0f, a1, H);
        relu(a1, n, H, H);
        fillRows(a2, n, H, H, m_param[B2].data());
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, H, H, 1.0f, a1, H, m_param[W2].data(), H, 1.0f, a2, H);
        relu(a2, n, H, H);
        std::fill(s, s + n, m_param[B3][0]);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, n, H, 1.0f, a2, H, m_param[W3].data(), 1, 1.0f, s, 1);
        std::copy(s, s + n, out + r0);
    });
}

uint64_t dropoutKey(uint64_t seed, int epoch, int batch)
{
    return mix64(mix64(seed ^ 0x6472'6f70'6f75'7421ULL) ^ (uint64_t(uint32_t(epoch)) << 32 | uint32_t(batch)));
}

namespace {

struct ThreadKnobs
{
    void (*ompSet)(int) = nullptr;
    int (*ompGet)() = nullptr;
    void (*blasSet)(int) = nullptr;
    int (*blasGet)() = nullptr;
};

// Looked up at run time: libgomp and OpenBLAS are LibTorch's dependencies, not ours, and another
// BLAS (or none of its threads) is fine too.
const ThreadKnobs &knobs()
{
    static const ThreadKnobs k = [] {
        ThreadKnobs t;
        t.ompSet = reinterpret_cast<void (*)(int)>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
        t.ompGet = reinterpret_cast<int (*)()>(::dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
        t.blasSet = reinterpret_cast<void (*)(int)>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
        t.blasGet = reinterpret_cast<int (*)()>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
        return t;
    }();
    return k;
}

} // namespace

SingleThreadedBlas::SingleThreadedBlas()
{
    const ThreadKnobs &k = knobs();
    m_blasThreads = k.blasGet ? k.blasGet() : 0;
    m_ompThreads = k.ompGet ? k.ompGet() : 0;
    onHelperStart();
}

SingleThreadedBlas::~SingleThreadedBlas()
{
    const ThreadKnobs &k = knobs();
    // OpenBLAS's OpenMP build sets the OpenMP count too: restore that last.
    if (k.blasSet && m_blasThreads > 0)
        k.blasSet(m_blasThreads);
    if (k.ompSet && m_ompThreads > 0)
        k.ompSet(m_ompThreads);
}

void SingleThreadedBlas::onHelperStart()
{
    const ThreadKnobs &k = knobs();
    if (k.blasSet)
        k.blasSet(1);
    if (k.ompSet)
        k.ompSet(1);
}

std::vector<double> measureStepSeconds(const FastShape &shape, const std::vector<int> &threads, int rounds,
                                       double dropout)
{
    using Clock = std::chrono::steady_clock;
    SingleThreadedBlas blas;
    FastRanker net(shape, dropout, 1e-3, 0);
    // Small weights and features from a fixed sequence: the arithmetic of training, not its values.
    uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return float(int32_t(state >> 8) % 2001 - 1000) / 1000.0f;
    };
    std::vector<std::vector<float>> p = net.parameters();
    for (size_t i = 0; i < p.size(); ++i) {
        const float scale = 1.0f / std::sqrt(float(i < 2 ? shape.features : shape.hidden));
        for (float &v : p[i])
            v = next() * scale;
    }
    net.setParameters(p);
    const int items = 4 * shape.maxBatch;
    std::vector<float> features(size_t(items) * size_t(shape.features));
    for (float &v : features)
        v = next();
    std::vector<int32_t> a(size_t(shape.maxBatch)), bItems(size_t(shape.maxBatch));
    std::vector<float> labels(size_t(shape.maxBatch)), diff(size_t(shape.maxBatch));
    for (int i = 0; i < shape.maxBatch; ++i) {
        a[size_t(i)] = (i * 7) % items;
        bItems[size_t(i)] = (i * 13 + 5) % items;
        labels[size_t(i)] = i % 2 ? 1.0f : -1.0f;
    }
    FastRanker::Batch batch;
    batch.features = features.data();
    batch.itemA = a.data();
    batch.itemB = bItems.data();
    batch.label = labels.data();
    batch.pairs = shape.maxBatch;

    std::vector<std::unique_ptr<WorkPool>> pools;
    for (int t : threads)
        pools.push_back(std::make_unique<WorkPool>(t, &SingleThreadedBlas::onHelperStart));
    std::vector<double> best(threads.size(), 1e300);
    int stepIndex = 0;
    for (int round = 0; round < rounds; ++round)
        for (size_t c = 0; c < threads.size(); ++c) {
            WorkPool &pool = *pools[c];
            batch.dropoutKey = uint64_t(++stepIndex);
            net.step(batch, diff.data(), pool); // warm: caches, and helpers awake
            // Steps until 15 ms have passed (at least two): the median of those.
            std::vector<double> seconds;
            const Clock::time_point start = Clock::now();
            while (seconds.size() < 2 ||
                   (Clock::now() - start < std::chrono::milliseconds(15) && seconds.size() < 64)) {
                const Clock::time_point t0 = Clock::now();
                batch.dropoutKey = uint64_t(++stepIndex);
                net.step(batch, diff.data(), pool);
                seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
            }
            std::nth_element(seconds.begin(), seconds.begin() + long(seconds.size() / 2), seconds.end());
            best[c] = std::min(best[c], seconds[seconds.size() / 2]);
        }
    return best;
}

} // namespace ranker
