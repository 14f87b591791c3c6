#include "ui/threadpriority.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ranker::ui {

void lowerCurrentThreadPriority()
{
#if defined(__linux__)
    // On Linux the nice value is per thread: this touches the calling thread only.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    const int current = ::getpriority(PRIO_PROCESS, tid);
    ::setpriority(PRIO_PROCESS, tid, current + 5);
#endif
}

} // namespace ranker::ui
