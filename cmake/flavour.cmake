# Footprint flavour of a build (docs/mbedtls-config.md): one switch, -DPALTLS_FLAVOUR=minimal-psk|cert|full
# (default full), ending in one preprocessor macro, PALTLS_FLAVOUR_<NAME>=1, that every Mbed TLS and PAL
# translation unit sees (paltls_flavour_definition() gives it to the targets that need it).
set(PALTLS_FLAVOURS minimal-psk cert full)
set(PALTLS_FLAVOUR "full" CACHE STRING "Footprint flavour: minimal-psk, cert or full")
set_property(CACHE PALTLS_FLAVOUR PROPERTY STRINGS ${PALTLS_FLAVOURS})
if(NOT PALTLS_FLAVOUR IN_LIST PALTLS_FLAVOURS)
  message(FATAL_ERROR "PALTLS_FLAVOUR='${PALTLS_FLAVOUR}' is not one of: ${PALTLS_FLAVOURS}")
endif()

# The macro of a flavour name: minimal-psk -> PALTLS_FLAVOUR_MINIMAL_PSK=1.
function(paltls_flavour_definition out_var flavour)
  string(TOUPPER "${flavour}" upper)
  string(REPLACE "-" "_" upper "${upper}")
  set(${out_var} "PALTLS_FLAVOUR_${upper}=1" PARENT_SCOPE)
endfunction()
