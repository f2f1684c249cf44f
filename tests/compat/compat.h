/* Shared by the two halves of the drop-in check (tests/compat). */
#ifndef PALTLS_COMPAT_H
#define PALTLS_COMPAT_H

#include "pal_plat_TLS.h"

/* Calls every upstream TLS function with upstream types (compat_api.c); linked, never run. */
void compat_call_everything(void);
/* Keeps the results of compat_call_everything observable so that nothing is optimised away. */
void compat_sink(palStatus_t status, bool flag, palVerifyCallback_f callback);

#endif
