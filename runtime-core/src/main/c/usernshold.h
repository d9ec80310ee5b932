/*
 * skiff-shim userns-hold [--unshare net,ipc,uts]: makes a pod's user namespace and, inside it,
 * the pod's other namespaces, so they are owned by it (CAP_NET_ADMIN of a container's root
 * then counts in its pod's network namespace). unshare(CLONE_NEWUSER) is refused to a
 * multithreaded process such as the JVM, hence this process. Protocol on stdin/stdout:
 *   -> `ready`            the user namespace exists; skiffd writes /proc/PID/{uid,gid}_map
 *   <- `mapped`           then the other namespaces are unshared inside it
 *   -> `ok` | `error TEXT`  skiffd bind-mounts /proc/PID/ns/{user,net,ipc,uts} to pin them
 *   <- EOF                 the process exits (skiffd gone = EOF too: nothing outlives it)
 */
#ifndef SKIFF_USERNSHOLD_H
#define SKIFF_USERNSHOLD_H

int userns_hold_main(const char *unshare_list);

#endif
