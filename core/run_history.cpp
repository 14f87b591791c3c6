// Run history: summaries, notes and tags, comparison and CSV (issue 4). Filled in by its author.
#include "core/run_history.h"
