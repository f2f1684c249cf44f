# libFuzzer targets (tests/fuzz), included from cmake/reliability.cmake. Only in a clang build
# configured by tests/fuzz/build.sh: -DPALTLS_FUZZ=ON with -fsanitize=fuzzer-no-link,address,
# undefined on everything (Mbed TLS and the PAL core included).
option(PALTLS_FUZZ "Build the libFuzzer targets (clang only)" OFF)
if(NOT PALTLS_FUZZ)
  return()
endif()
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "PALTLS_FUZZ needs clang (CC=clang)")
endif()

set(PALTLS_FUZZ_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(PALTLS_FUZZ_AGENT_DIR "${CMAKE_CURRENT_LIST_DIR}/../../firmware/agent")

function(paltls_fuzz_target name)
  add_executable(${name} ${ARGN})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE)
endfunction()

# The agent's receive pump (agent_link.c, port calls faked) over the frame decoder + TLV readers.
paltls_fuzz_target(fuzz_frame_decoder "${PALTLS_FUZZ_DIR}/fuzz_frame_decoder.c" "${PALTLS_FUZZ_AGENT_DIR}/agent_proto.c"
  "${PALTLS_FUZZ_AGENT_DIR}/agent_link.c")
target_include_directories(fuzz_frame_decoder PRIVATE "${PALTLS_FUZZ_AGENT_DIR}" ${PALTLS_CORE_INCLUDES} ${PALTLS_SUITE_INCLUDES})
target_link_libraries(fuzz_frame_decoder PRIVATE paltls_mbedtls)

# Socket bridge replies (the bridge source unchanged, the agent plumbing faked).
paltls_fuzz_target(fuzz_bridge "${PALTLS_FUZZ_DIR}/fuzz_bridge.c" "${PALTLS_FUZZ_AGENT_DIR}/agent_proto.c"
  "${PALTLS_FUZZ_AGENT_DIR}/bridge/pal_plat_network_bridge.c")
target_include_directories(fuzz_bridge PRIVATE "${PALTLS_FUZZ_AGENT_DIR}" "${PALTLS_FUZZ_AGENT_DIR}/bridge"
  ${PALTLS_CORE_INCLUDES} ${PALTLS_SUITE_INCLUDES})
target_link_libraries(fuzz_bridge PRIVATE paltls_mbedtls)

# PAL DER/PSK entry points and x509 helpers over the posix port.
paltls_fuzz_target(fuzz_pal_credentials "${PALTLS_FUZZ_DIR}/fuzz_pal_credentials.c")
target_link_libraries(fuzz_pal_credentials PRIVATE pal_core)

# Seed generator (a plain program: no fuzzer main).
add_executable(fuzz_make_seeds "${PALTLS_FUZZ_DIR}/make_seeds.c" "${PALTLS_FUZZ_AGENT_DIR}/agent_proto.c")
target_include_directories(fuzz_make_seeds PRIVATE "${PALTLS_FUZZ_AGENT_DIR}")
target_compile_options(fuzz_make_seeds PRIVATE -fno-sanitize=fuzzer-no-link)
