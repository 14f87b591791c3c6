// The parser with simdjson's AVX2 kernels; chosen at run time when the CPU has them.
#define RANKER_DATASET_ISA haswell_impl
#include "dataset_parse.inc"
