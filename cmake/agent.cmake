# Device test agent (firmware/agent): the OS-independent agent library, the socket-bridge network
# port, and the native board executable whose stdin/stdout is its serial line.
set(PALTLS_AGENT_DIR "${CMAKE_CURRENT_LIST_DIR}/../firmware/agent")
set(PALTLS_AGENT_SOURCES
  "${PALTLS_AGENT_DIR}/agent.c"
  "${PALTLS_AGENT_DIR}/agent_proto.c"
  "${PALTLS_AGENT_DIR}/agent_hooks.c"
  "${PALTLS_AGENT_DIR}/agent_handshake.c")
set(PALTLS_AGENT_BRIDGE_SOURCES "${PALTLS_AGENT_DIR}/bridge/pal_plat_network_bridge.c")
set(PALTLS_AGENT_INCLUDES "${PALTLS_AGENT_DIR}" "${PALTLS_AGENT_DIR}/bridge")
set(PALTLS_AGENT_WARNINGS -Wall -Wextra -Werror)

if(NOT TARGET paltls_suite)
  return()
endif()

add_library(paltls_agent STATIC ${PALTLS_AGENT_SOURCES})
target_include_directories(paltls_agent PUBLIC ${PALTLS_AGENT_INCLUDES})
target_compile_options(paltls_agent PRIVATE ${PALTLS_AGENT_WARNINGS} -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
target_link_libraries(paltls_agent PUBLIC paltls_suite pal_core)

# The bridge port is linked by boards without a network stack (bare-metal QEMU, Zephyr with
# the serial bridge). Built here as a library so every native build compiles it too.
if(EXISTS "${PALTLS_AGENT_DIR}/bridge/pal_plat_network_bridge.c")
  add_library(paltls_agent_bridge STATIC ${PALTLS_AGENT_BRIDGE_SOURCES})
  target_compile_options(paltls_agent_bridge PRIVATE ${PALTLS_AGENT_WARNINGS} -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
  target_link_libraries(paltls_agent_bridge PUBLIC paltls_agent)
endif()

# Build id: regenerated whenever one of the linked libraries changes.
set(PALTLS_AGENT_ID_C "${CMAKE_BINARY_DIR}/paltls_agent_build_id.c")
set(PALTLS_AGENT_ID_FILE "${CMAKE_BINARY_DIR}/paltls_agent_native.id")
set(PALTLS_AGENT_NATIVE_SOURCES "${PALTLS_AGENT_DIR}/native/agent_native.c")
add_custom_command(
  OUTPUT "${PALTLS_AGENT_ID_C}" "${PALTLS_AGENT_ID_FILE}"
  COMMAND "${CMAKE_COMMAND}" -DOUT=${PALTLS_AGENT_ID_C} -DID_FILE=${PALTLS_AGENT_ID_FILE}
          "-DINPUTS=$<TARGET_FILE:paltls_agent>;$<TARGET_FILE:paltls_suite>;$<TARGET_FILE:pal_core>;$<TARGET_FILE:pal_port_posix>;${PALTLS_AGENT_NATIVE_SOURCES}"
          -P "${PALTLS_AGENT_DIR}/build_id.cmake"
  DEPENDS paltls_agent paltls_suite pal_core pal_port_posix ${PALTLS_AGENT_NATIVE_SOURCES}
          "$<TARGET_FILE:paltls_agent>" "$<TARGET_FILE:paltls_suite>" "$<TARGET_FILE:pal_core>" "$<TARGET_FILE:pal_port_posix>"
          "${PALTLS_AGENT_DIR}/build_id.cmake"
  COMMENT "Stamping the native agent build id"
  VERBATIM)

add_executable(paltls_agent_native ${PALTLS_AGENT_NATIVE_SOURCES} "${PALTLS_AGENT_ID_C}")
target_compile_options(paltls_agent_native PRIVATE ${PALTLS_AGENT_WARNINGS})
target_compile_definitions(paltls_agent_native PRIVATE _GNU_SOURCE)
# Static libraries reference each other (core <-> port <-> suite): link them as a group.
target_link_libraries(paltls_agent_native PRIVATE
  "$<LINK_GROUP:RESCAN,paltls_agent,paltls_suite,pal_core,pal_port_posix>")
add_dependencies(paltls_agent_native paltls_peer)
