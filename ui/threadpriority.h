#pragma once

namespace ranker::ui {

/// Lowers the calling thread's CPU priority (nice +5 on Linux; threads it creates afterwards, such
/// as LibTorch's intra-op pool, inherit it), so that the GUI thread stays responsive under load.
/// Does nothing where that is not supported.
void lowerCurrentThreadPriority();

} // namespace ranker::ui
