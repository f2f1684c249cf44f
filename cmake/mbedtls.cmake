# Builds Mbed TLS from its source tree as one static library with our configuration file.
# We compile the sources ourselves (instead of add_subdirectory) so that every flavour (native,
# sanitizer, Cortex-M cross build) uses the exact same source list and config.
include("${CMAKE_CURRENT_LIST_DIR}/flavour.cmake")

function(paltls_find_mbedtls out_var)
  if(DEFINED ENV{MBEDTLS_SOURCE_DIR} AND NOT "$ENV{MBEDTLS_SOURCE_DIR}" STREQUAL "")
    set(dir "$ENV{MBEDTLS_SOURCE_DIR}")
  elseif(DEFINED ENV{PALTLS_CACHE})
    set(dir "$ENV{PALTLS_CACHE}/mbedtls")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(dir "$ENV{XDG_CACHE_HOME}/paltls/mbedtls")
  else()
    set(dir "$ENV{HOME}/.cache/paltls/mbedtls")
  endif()
  if(NOT EXISTS "${dir}/include/mbedtls/ssl.h")
    message(FATAL_ERROR "Mbed TLS source not found at ${dir}. Run ./scripts/setup, or set MBEDTLS_SOURCE_DIR to an Mbed TLS 3.6 tree.")
  endif()
  set(${out_var} "${dir}" PARENT_SCOPE)
endfunction()

# Optional third argument: the footprint flavour (cmake/flavour.cmake) this library is built for;
# its macro becomes PUBLIC, so the PAL and every user of the library see the same flavour.
# Optional fourth argument P256M: P-256 through the p256-m PSA driver (3rdparty/p256-m), macro
# PALTLS_P256M (certificate flavours only; docs/mbedtls-config.md).
function(paltls_add_mbedtls target config_file)
  paltls_find_mbedtls(src)
  file(GLOB sources "${src}/library/*.c")
  if(ARGC GREATER 3 AND ARGV3 STREQUAL "P256M")
    list(APPEND sources "${src}/3rdparty/p256-m/p256-m_driver_entrypoints.c" "${src}/3rdparty/p256-m/p256-m/p256-m.c")
  endif()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} SYSTEM PUBLIC "${src}/include" "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../firmware/pal/mbedtls")
  target_include_directories(${target} PRIVATE "${src}/library")
  target_compile_definitions(${target} PUBLIC "MBEDTLS_CONFIG_FILE=\"${config_file}\"")
  if(ARGC GREATER 2)
    paltls_flavour_definition(flavour_macro "${ARGV2}")
    target_compile_definitions(${target} PUBLIC "${flavour_macro}")
  endif()
  if(ARGC GREATER 3 AND ARGV3 STREQUAL "P256M")
    target_compile_definitions(${target} PUBLIC PALTLS_P256M=1)
    target_include_directories(${target} PRIVATE "${src}/3rdparty/p256-m" "${src}/3rdparty/p256-m/p256-m")
  endif()
  set_target_properties(${target} PROPERTIES C_STANDARD 99)
  file(READ "${src}/include/mbedtls/build_info.h" build_info)
  string(REGEX MATCH "MBEDTLS_VERSION_STRING +\"([0-9.]+)\"" _ "${build_info}")
  set(PALTLS_MBEDTLS_VERSION "${CMAKE_MATCH_1}" PARENT_SCOPE)
  set(PALTLS_MBEDTLS_DIR "${src}" PARENT_SCOPE)
endfunction()
