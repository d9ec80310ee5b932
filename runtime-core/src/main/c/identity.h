/* Who the container process is: groups, gid, uid, the five capability sets, no_new_privs. */
#ifndef SKIFF_IDENTITY_H
#define SKIFF_IDENTITY_H

#include "plan.h"

/* Must run last before exec: it gives up the privileges every earlier step needed. */
int identity_apply(const struct plan *plan, struct err *e);

#endif
