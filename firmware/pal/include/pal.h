#ifndef PAL_H
#define PAL_H

#include "pal_TLS.h"
#include "pal_errors.h"
#include "pal_macros.h"
#include "pal_network.h"
#include "pal_rtos.h"
#include "pal_storage.h"
#include "pal_types.h"
#include "pal_x509.h"

/* Reference-counted: every pal_init needs a matching pal_destroy. */
palStatus_t pal_init(void);
int32_t pal_destroy(void);

#endif
