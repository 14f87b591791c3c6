#include "core/labelling/agreement.h"

#include <cmath>
#include <limits>

namespace ranker {

void Agreement::add(int stored, int answer)
{
    if (stored < -1 || stored > 1 || answer < -1 || answer > 1)
        return;
    ++m_cells[size_t(stored + 1)][size_t(answer + 1)];
    ++m_count;
}

int64_t Agreement::agreeing() const
{
    return m_cells[0][0] + m_cells[1][1] + m_cells[2][2];
}

int64_t Agreement::cell(int stored, int answer) const
{
    if (stored < -1 || stored > 1 || answer < -1 || answer > 1)
        return 0;
    return m_cells[size_t(stored + 1)][size_t(answer + 1)];
}

double Agreement::share() const
{
    if (m_count == 0)
        return std::numeric_limits<double>::quiet_NaN();
    return double(agreeing()) / double(m_count);
}

double Agreement::kappa() const
{
    if (m_count == 0)
        return std::numeric_limits<double>::quiet_NaN();
    const double n = double(m_count);
    double chance = 0;
    for (size_t k = 0; k < 3; ++k) {
        const double stored = double(m_cells[k][0] + m_cells[k][1] + m_cells[k][2]);
        const double answered = double(m_cells[0][k] + m_cells[1][k] + m_cells[2][k]);
        chance += (stored / n) * (answered / n);
    }
    // Within rounding of 1 only when both sides used a single, common label.
    if (chance >= 1.0 - 1e-12)
        return std::numeric_limits<double>::quiet_NaN();
    return (share() - chance) / (1.0 - chance);
}

} // namespace ranker
