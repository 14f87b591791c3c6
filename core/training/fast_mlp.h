#pragma once
// The ranker's training step on the CPU without LibTorch: forward, backward and Adam for
// Linear(F,H)–ReLU–Dropout–Linear(H,H)–ReLU–Linear(H,1) over preallocated buffers, the matrix
// products in BLAS (cblas_sgemm, one thread per call), split into tasks for a WorkPool.
//
// Why: at the seed's shapes a LibTorch step spends as long in dispatch, autograd, allocation and
// a single-threaded optimizer as in the products themselves (bench/ and README's Performance).
//
// Determinism: every product is split into blocks fixed by the shapes alone, never by the thread
// count (OpenBLAS rounds a product split into blocks differently from the whole, measured), and
// dropout masks come from a counter-based hash of (seed, epoch, batch, element). So a seed gives
// the same numbers bit for bit with any number of threads, in any run.

#include <cstdint>
#include <vector>

namespace ranker {

class WorkPool;
struct ModelWeights;
struct OptimizerState;

struct FastShape
{
    int features = 0;
    int hidden = 0;
    int maxBatch = 0; ///< pairs per step at most
};

/// A pairwise ranker being trained: parameters in PyTorch's layout, Adam moments, buffers.
class FastRanker
{
public:
    /**
     * Parameters start at zero: set them with setWeights(). Adam is PyTorch's (betas 0.9/0.999,
     * eps 1e-8, L2 weight decay added to the gradient), with the same formula as the LibTorch
     * path's fused Adam.
     */
    FastRanker(const FastShape &shape, double dropout, double learningRate, double weightDecay);
    ~FastRanker();
    FastRanker(const FastRanker &) = delete;
    FastRanker &operator=(const FastRanker &) = delete;

    const FastShape &shape() const { return m_shape; }

    /// The six parameters in ModelWeights order (w1 [H,F], b1, w2 [H,H], b2, w3 [1,H], b3).
    std::vector<std::vector<float>> parameters() const;
    /// @throw Error when a parameter's size does not fit the shape.
    void setParameters(const std::vector<std::vector<float>> &parameters);
    void setWeights(const ModelWeights &weights); ///< @throw Error as setParameters
    void copyWeightsTo(ModelWeights &weights) const;
    OptimizerState optimizerState() const; ///< empty before the first step
    /// @throw Error when the state does not fit; an empty state leaves a fresh optimizer.
    void setOptimizerState(const OptimizerState &state);
    bool parametersFinite() const;

    struct Batch
    {
        const float *features = nullptr; ///< standardised rows of every item, [items, F]
        const int32_t *itemA = nullptr;  ///< per pair: its A and B rows in `features`
        const int32_t *itemB = nullptr;
        const float *label = nullptr; ///< per pair: 1, -1, or 0 for a tie
        int pairs = 0;                ///< ≤ maxBatch
        bool hasTies = false;         ///< ties take the hinge max(0, |diff| − margin)
        float margin = 1.0f;
        uint64_t dropoutKey = 0; ///< dropoutKey(seed, epoch, batch)
    };

    /**
     * One step: scores A and B of every pair in one pass (training mode), the mean pair loss, its
     * gradient and an Adam update. Returns the loss; when it is not finite nothing was updated.
     * `diff` (pairs values) receives score(a) − score(b).
     */
    double step(const Batch &batch, float *diff, WorkPool &pool);

    /// Scores `count` rows of `features` (row indices `rows`) in evaluation mode (no dropout).
    void score(const float *features, const int32_t *rows, int64_t count, float *out, WorkPool &pool);

private:
    struct Buffers;
    FastShape m_shape;
    double m_dropout = 0;
    double m_learningRate = 0;
    float m_weightDecay = 0;
    int64_t m_step = 0;
    std::vector<float> m_param[6], m_expAvg[6], m_expAvgSq[6];
    Buffers *m_buffers = nullptr;
};

/// The dropout key of one step: a hash of the run's seed, the epoch and the batch.
uint64_t dropoutKey(uint64_t seed, int epoch, int batch);

/// Makes BLAS calls from the current thread single-threaded: OpenBLAS's OpenMP build follows
/// omp_set_num_threads() of the calling thread, its pthread build openblas_set_num_threads().
/// Restores both when it goes away. (The fast path runs its own threads.)
class SingleThreadedBlas
{
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas &) = delete;
    SingleThreadedBlas &operator=(const SingleThreadedBlas &) = delete;
    /// For a WorkPool helper: single-threaded BLAS for the thread's whole life.
    static void onHelperStart();

private:
    int m_ompThreads = 0;
    int m_blasThreads = 0;
};

/**
 * Seconds per step of a scratch FastRanker of `shape` on synthetic data with `threads` threads:
 * the median of a few steps after a warm-up, each configuration run `rounds` times alternating
 * with the others; for choosing a thread count. Touches no training state.
 */
std::vector<double> measureStepSeconds(const FastShape &shape, const std::vector<int> &threads, int rounds,
                                       double dropout);

} // namespace ranker
