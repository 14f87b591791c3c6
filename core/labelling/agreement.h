#pragma once
// How far two sets of answers to the same pairs agree (issue 15's blind relabelling): the share of
// pairs answered alike and Cohen's kappa over the three answers B preferred, tie, A preferred.

#include <array>
#include <cstdint>

namespace ranker {

/// A 3 × 3 table of (stored label, second answer) counts, labels −1, 0 and 1.
class Agreement
{
public:
    /// Counts one pair. Labels outside {−1, 0, 1} are ignored.
    void add(int stored, int answer);

    int64_t count() const { return m_count; }
    int64_t agreeing() const;
    /// Pairs stored as `stored` and answered `answer`.
    int64_t cell(int stored, int answer) const;
    /// agreeing() / count(); NaN when nothing was counted.
    double share() const;
    /**
     * Cohen's kappa: (p_o − p_e) / (1 − p_e), p_o the share agreeing and p_e the agreement the
     * two answers' own label frequencies would give by chance.
     * @return NaN when it is undefined: nothing counted, or p_e = 1 (both always gave one and the
     *         same label, so agreement says nothing beyond chance).
     */
    double kappa() const;

private:
    std::array<std::array<int64_t, 3>, 3> m_cells{}; ///< [stored + 1][answer + 1]
    int64_t m_count = 0;
};

} // namespace ranker
