# Every suite's timeout is multiplied by this: instrumented builds (installer/setup.sh sanitize)
# run several times slower than the normal one.
set(RANKER_TEST_TIMEOUT_FACTOR 1 CACHE STRING "Multiplier for each test's ctest TIMEOUT")

# ranker_add_test(NAME SOURCES... LIBS ...): one Qt Test executable per suite, run offscreen by ctest.
function(ranker_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE QT_NO_KEYWORDS
    RANKER_SOURCE_DIR="${PROJECT_SOURCE_DIR}" RANKER_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * ${RANKER_TEST_TIMEOUT_FACTOR}")
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OMP_NUM_THREADS=1;OPENBLAS_NUM_THREADS=1;OMP_WAIT_POLICY=PASSIVE"
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "${ARG_LABELS}")
endfunction()
