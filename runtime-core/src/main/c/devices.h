/* Device nodes and the standard /dev symlinks in the container's /dev tmpfs. */
#ifndef SKIFF_DEVICES_H
#define SKIFF_DEVICES_H

#include "plan.h"

int devices_create(int rootfd, const struct plan *plan, struct err *e);
int devices_symlinks(int rootfd, struct err *e);

#endif
