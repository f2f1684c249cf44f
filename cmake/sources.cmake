# Source lists shared by every build flavour (native CMake, bare-metal image, Zephyr app).
set(PALTLS_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")
file(GLOB PALTLS_CORE_SOURCES CONFIGURE_DEPENDS
  "${PALTLS_ROOT}/firmware/pal/core/*.c"
  "${PALTLS_ROOT}/firmware/pal/mbedtls/*.c")
set(PALTLS_CORE_INCLUDES
  "${PALTLS_ROOT}/firmware/pal/include"
  "${PALTLS_ROOT}/firmware/pal/port"
  "${PALTLS_ROOT}/firmware/pal/mbedtls")
file(GLOB PALTLS_SUITE_SOURCES CONFIGURE_DEPENDS
  "${PALTLS_ROOT}/tests/framework/*.c"
  "${PALTLS_ROOT}/tests/suite/*.c")
set(PALTLS_SUITE_INCLUDES "${PALTLS_ROOT}/tests/framework" "${PALTLS_ROOT}/tests/suite")
