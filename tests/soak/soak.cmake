# Soak program (tests/soak/soak.c), included from cmake/reliability.cmake.
paltls_reliability_program(paltls_soak "${CMAKE_CURRENT_LIST_DIR}/soak.c")
