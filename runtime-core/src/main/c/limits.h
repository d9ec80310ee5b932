/* Resource limits and the OOM score of the container process. */
#ifndef SKIFF_LIMITS_H
#define SKIFF_LIMITS_H

#include "plan.h"

int limits_apply(const struct plan *plan, struct err *e);

#endif
