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

# The p256-m option of the certificate flavours (docs/mbedtls-config.md): ECDH/ECDSA on P-256 through
# the PSA driver of Mbed TLS 3.6. Off by default: on the Cortex-M3 it is slower and larger than the
# built-in ECC as configured here (docs/performance.md, "Footprint flavours").
option(PALTLS_P256M "P-256 through the p256-m PSA driver (flavours cert and full)" OFF)
if(PALTLS_P256M AND PALTLS_FLAVOUR STREQUAL "minimal-psk")
  message(FATAL_ERROR "PALTLS_P256M needs certificates: flavour minimal-psk has no ECC")
endif()
set(PALTLS_P256M_ARG "")
if(PALTLS_P256M)
  set(PALTLS_P256M_ARG P256M)
endif()
