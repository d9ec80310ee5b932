/*
 * Idmapped bind mounts (Linux 5.12+), as runc and crun make them for a mount with
 * uidMappings/gidMappings: the source is cloned as a detached tree (open_tree with
 * OPEN_TREE_CLONE, AT_RECURSIVE for an rbind), the clone is idmapped through a user namespace
 * (mount_setattr MOUNT_ATTR_IDMAP) and attached onto the target (move_mount). Host id N then
 * reads as the id N maps to inside that namespace, and a file the namespace's root writes
 * there is stored as host root's. Only a detached clone may take an idmapping, hence no mount(2).
 */
#ifndef SKIFF_IDMOUNT_H
#define SKIFF_IDMOUNT_H

#include "util.h"

/* Binds source onto target (an O_PATH fd) through the user namespace at userns_path; dest
   names the mount in errors. */
int idmount_bind(const char *source, int target, const char *userns_path, int recursive, const char *dest,
                 struct err *e);

#endif
