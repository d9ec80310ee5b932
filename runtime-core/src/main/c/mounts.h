/*
 * The container's filesystem view, built in its new mount namespace: the plan's mounts
 * under the rootfs (which skiffd mounted as OverlayFS at <bundle>/rootfs), device nodes,
 * pivot_root, then masked paths, read-only paths and a read-only root.
 */
#ifndef SKIFF_MOUNTS_H
#define SKIFF_MOUNTS_H

#include "plan.h"

int mounts_setup(const struct plan *plan, struct err *e);

#endif
