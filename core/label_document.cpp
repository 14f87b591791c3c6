// Labelling review document (issue 5). Filled in by its author.
#include "core/label_document.h"
