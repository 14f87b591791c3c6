// The parser for any CPU.
#define RANKER_DATASET_ISA generic_impl
#include "dataset_parse.inc"
