# Reliability tooling (docs/reliability.md): the interop driver, the soak programs and, in a
# clang build with -DPALTLS_FUZZ=ON, the libFuzzer targets. Included last from CMakeLists.txt.
if(NOT TARGET pal_core OR NOT TARGET pal_port_posix)
  return()
endif()

set(PALTLS_RELIABILITY_DIR "${CMAKE_CURRENT_LIST_DIR}/..")
set(PALTLS_RELIABILITY_WARNINGS -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes)

function(paltls_reliability_program name)
  add_executable(${name} ${ARGN})
  target_compile_options(${name} PRIVATE ${PALTLS_RELIABILITY_WARNINGS})
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE)
  target_link_libraries(${name} PRIVATE pal_core)
endfunction()

# One PAL session against a foreign TLS stack (tests/interop/run-matrix.mjs, tests/fault/).
paltls_reliability_program(paltls_interop "${PALTLS_RELIABILITY_DIR}/tests/interop/interop_driver.c")

include("${PALTLS_RELIABILITY_DIR}/tests/soak/soak.cmake" OPTIONAL)
include("${PALTLS_RELIABILITY_DIR}/tests/fuzz/fuzz.cmake" OPTIONAL)
