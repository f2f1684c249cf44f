# Device test agent (firmware/agent), in two layers: the serial line (frame codec, pump, reply
# waits; needs only the OS port) and the request handlers above the suite and the PAL core. The
# socket-bridge network port sits between them: PAL core -> bridge -> line -> OS port. Also the
# native board executables whose stdin/stdout is the serial line.
set(PALTLS_AGENT_DIR "${CMAKE_CURRENT_LIST_DIR}/../firmware/agent")
set(PALTLS_AGENT_LINK_SOURCES
  "${PALTLS_AGENT_DIR}/agent_proto.c"
  "${PALTLS_AGENT_DIR}/agent_link.c")
set(PALTLS_AGENT_HANDLER_SOURCES
  "${PALTLS_AGENT_DIR}/agent.c"
  "${PALTLS_AGENT_DIR}/agent_hooks.c"
  "${PALTLS_AGENT_DIR}/agent_handshake.c")
set(PALTLS_AGENT_SOURCES ${PALTLS_AGENT_LINK_SOURCES} ${PALTLS_AGENT_HANDLER_SOURCES})
set(PALTLS_AGENT_BRIDGE_SOURCES "${PALTLS_AGENT_DIR}/bridge/pal_plat_network_bridge.c")
set(PALTLS_AGENT_INCLUDES "${PALTLS_AGENT_DIR}" "${PALTLS_AGENT_DIR}/bridge")
set(PALTLS_AGENT_WARNINGS -Wall -Wextra -Werror)

if(NOT TARGET paltls_suite)
  return()
endif()

set(PALTLS_AGENT_STRICT ${PALTLS_AGENT_WARNINGS} -Wshadow -Wstrict-prototypes -Wmissing-prototypes)

add_library(paltls_agent_link STATIC ${PALTLS_AGENT_LINK_SOURCES})
target_include_directories(paltls_agent_link PUBLIC ${PALTLS_AGENT_INCLUDES} ${PALTLS_SUITE_INCLUDES})
target_compile_options(paltls_agent_link PRIVATE ${PALTLS_AGENT_STRICT})
target_link_libraries(paltls_agent_link PUBLIC pal_port_posix)

# The bridge network port: boards without a network stack (bare-metal QEMU, Zephyr with the
# serial bridge) and the native agent's --bridge build.
add_library(paltls_agent_bridge STATIC ${PALTLS_AGENT_BRIDGE_SOURCES})
target_compile_options(paltls_agent_bridge PRIVATE ${PALTLS_AGENT_STRICT})
target_link_libraries(paltls_agent_bridge PUBLIC paltls_agent_link)

add_library(paltls_agent STATIC ${PALTLS_AGENT_HANDLER_SOURCES})
target_compile_options(paltls_agent PRIVATE ${PALTLS_AGENT_STRICT})
target_link_libraries(paltls_agent PUBLIC paltls_suite pal_core paltls_agent_link)

# Native board executables: the agent over posix sockets, and the same agent with the socket
# bridge as its network port (the host performs the socket calls: `paltls --board native --bridge`).
set(PALTLS_AGENT_NATIVE_SOURCES "${PALTLS_AGENT_DIR}/native/agent_native.c")
function(paltls_native_agent name network_port)
  # Build id: regenerated whenever one of the linked libraries changes.
  set(id_c "${CMAKE_BINARY_DIR}/${name}_build_id.c")
  set(id_file "${CMAKE_BINARY_DIR}/${name}.id")
  set(libs paltls_agent paltls_agent_link paltls_suite pal_core ${network_port} pal_port_posix)
  set(lib_files "")
  foreach(lib IN LISTS libs)
    list(APPEND lib_files "$<TARGET_FILE:${lib}>")
  endforeach()
  add_custom_command(
    OUTPUT "${id_c}" "${id_file}"
    COMMAND "${CMAKE_COMMAND}" -DOUT=${id_c} -DID_FILE=${id_file}
            "-DINPUTS=${lib_files};${PALTLS_AGENT_NATIVE_SOURCES}"
            -P "${PALTLS_AGENT_DIR}/build_id.cmake"
    DEPENDS ${libs} ${PALTLS_AGENT_NATIVE_SOURCES} ${lib_files} "${PALTLS_AGENT_DIR}/build_id.cmake"
    COMMENT "Stamping the ${name} build id"
    VERBATIM)
  add_executable(${name} ${PALTLS_AGENT_NATIVE_SOURCES} "${id_c}")
  target_compile_options(${name} PRIVATE ${PALTLS_AGENT_WARNINGS})
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE ${ARGN})
  target_link_libraries(${name} PRIVATE paltls_agent)
  paltls_use_network_port(${name} ${network_port})
  add_dependencies(${name} paltls_peer)
endfunction()

paltls_native_agent(paltls_agent_native pal_port_posix_net)
paltls_native_agent(paltls_agent_native_bridge paltls_agent_bridge PALTLS_NATIVE_BRIDGE=1)

# Unit tests of the serial line (tests/agent): the real pump over a scripted stream.
add_executable(paltls_agent_link_tests "${CMAKE_CURRENT_LIST_DIR}/../tests/agent/agent_link_tests.c")
target_compile_options(paltls_agent_link_tests PRIVATE ${PALTLS_AGENT_STRICT})
target_link_libraries(paltls_agent_link_tests PRIVATE paltls_agent_link)
add_test(NAME agent_link.unit COMMAND paltls_agent_link_tests)

# Unit tests of the socket bridge against a scripted host (tests/agent): the bridge source with
# the serial line faked.
add_executable(paltls_bridge_tests "${CMAKE_CURRENT_LIST_DIR}/../tests/agent/bridge_tests.c"
  ${PALTLS_AGENT_BRIDGE_SOURCES} "${PALTLS_AGENT_DIR}/agent_proto.c")
target_include_directories(paltls_bridge_tests PRIVATE ${PALTLS_AGENT_INCLUDES} ${PALTLS_SUITE_INCLUDES}
  ${PALTLS_CORE_INCLUDES})
target_compile_options(paltls_bridge_tests PRIVATE ${PALTLS_AGENT_STRICT})
target_link_libraries(paltls_bridge_tests PRIVATE paltls_mbedtls)
add_test(NAME agent_bridge.unit COMMAND paltls_bridge_tests)

# The libraries are layers (docs/architecture.md "Link layers"): no cycle between them, none
# between the agent's units (tests/agent/check-link-layers.sh reads their symbols with nm).
add_test(NAME link.layers COMMAND "${CMAKE_CURRENT_LIST_DIR}/../tests/agent/check-link-layers.sh"
  --objects "$<TARGET_FILE:paltls_agent>"
  "$<TARGET_FILE:paltls_suite>" "$<TARGET_FILE:paltls_agent>" "$<TARGET_FILE:pal_core>"
  "$<TARGET_FILE:paltls_agent_bridge>" "$<TARGET_FILE:pal_port_posix_net>" "$<TARGET_FILE:paltls_agent_link>"
  "$<TARGET_FILE:pal_port_posix>")
