# shellcheck shell=bash
# Helpers for tests that run skiff's real components in isolation: a private
# network (and IPC) namespace, Debian's docker-registry serving the look-alike
# test images, skiffd itself. Source it from bash; every function either
# succeeds or prints one line naming the problem and returns non-zero.
#
#   source critest/lib.sh
#   netns_create skiff-test-$$            # sets SKIFF_NETNS, lo up, private IPC ns
#   registry_start "$tmp/registry" 5000   # sets REGISTRY_PID, waits for /v2/
#   images_build && push_images 5000      # build (cached) and push all images
#   in_netns crictl ...                   # run a client inside the namespace
#   registry_stop "$tmp/registry"; netns_delete
#
# Why `nsenter --net` and not `ip netns exec`: the latter gives every command
# a mount namespace of its own, so mounts a client makes (critest's mount
# propagation specs) would be invisible to skiffd. nsenter switches only the
# network (and here IPC) namespace; everything shares the host mount namespace.
# The private IPC namespace keeps the SysV shm segments that critest's HostIpc
# specs create (and never remove) off the host: they die with the namespace.
#
# Safety: nothing here sends traffic anywhere but 127.0.0.1 inside the
# namespace; processes are stopped by pid, never by name.

SKIFF_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SKIFF_REPO=$(cd "$SKIFF_LIB_DIR/.." && pwd)
SKIFF_TOOLS=$SKIFF_REPO/.cache/tools/bin
SKIFF_IMAGES_DIR=${SKIFF_IMAGES_DIR:-$SKIFF_REPO/.cache/critest-images}
case ":$PATH:" in *":$SKIFF_TOOLS:"*) ;; *) PATH=$SKIFF_TOOLS:$PATH ;; esac
SKIFF_NETNS=${SKIFF_NETNS:-}
SKIFF_IPCNS=${SKIFF_IPCNS:-}

skiff_err() { echo "$*" >&2; }

# require_root: fails unless running as root
require_root() {
  [ "$(id -u)" = 0 ] || { skiff_err "must run as root (namespaces, mounts and cgroups need it)"; return 1; }
}

# require_tools TOOL...: fails naming the first missing tool
require_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 ||
      { skiff_err "missing tool '$t': run critest/install-tools.sh (as root)"; return 1; }
  done
}

# netns_create NAME: a private network namespace (lo up) plus a private IPC
# namespace pinned at /run/skiff-critest/NAME.ipc; sets SKIFF_NETNS/SKIFF_IPCNS
netns_create() {
  local name=$1
  ip netns add "$name" || { skiff_err "cannot create network namespace $name"; return 1; }
  SKIFF_NETNS=$name
  ip -n "$name" link set lo up || { skiff_err "cannot bring up lo in $name"; return 1; }
  mkdir -p /run/skiff-critest
  : > "/run/skiff-critest/$name.ipc"
  unshare --ipc="/run/skiff-critest/$name.ipc" true ||
    { skiff_err "cannot create IPC namespace for $name"; rm -f "/run/skiff-critest/$name.ipc"; return 1; }
  SKIFF_IPCNS=/run/skiff-critest/$name.ipc
}

# _netns_argv: sets NSARGV to the nsenter prefix that enters the namespaces
_netns_argv() {
  [ -n "$SKIFF_NETNS" ] || { skiff_err "no test namespace (call netns_create first)"; return 1; }
  NSARGV=(nsenter "--net=/run/netns/$SKIFF_NETNS")
  [ -n "$SKIFF_IPCNS" ] && NSARGV+=("--ipc=$SKIFF_IPCNS")
  NSARGV+=(--)
}

# in_netns CMD...: runs CMD in the test namespaces (host mount namespace)
in_netns() {
  _netns_argv || return 1
  "${NSARGV[@]}" "$@"
}

# in_netns_bg LOG CMD...: starts CMD in the namespaces in the background,
# output to LOG; sets BG_PID to CMD's own pid (nsenter execs CMD), so that
# signals reach CMD itself
in_netns_bg() {
  local log=$1; shift
  _netns_argv || return 1
  "${NSARGV[@]}" "$@" > "$log" 2>&1 &
  BG_PID=$!
}

# netns_pids: pids of every process inside the test network namespace
netns_pids() { [ -n "$SKIFF_NETNS" ] && ip netns pids "$SKIFF_NETNS" 2>/dev/null; }

# kill_pids SIGNAL PID...: signals each pid that still exists
kill_pids() {
  local sig=$1 p; shift
  for p in "$@"; do [ -n "$p" ] && kill "-$sig" "$p" 2>/dev/null; done
  return 0
}

# netns_delete: kills what is left inside the namespaces (by pid), deletes them
netns_delete() {
  [ -n "$SKIFF_NETNS" ] || return 0
  local pids i
  pids=$(netns_pids)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill_pids TERM $pids
    for i in 1 2 3 4 5 6 7 8 9 10; do pids=$(netns_pids); [ -z "$pids" ] && break; sleep 0.5; done
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill_pids KILL $pids
  fi
  ip netns delete "$SKIFF_NETNS" 2>/dev/null
  if [ -n "$SKIFF_IPCNS" ]; then
    umount "$SKIFF_IPCNS" 2>/dev/null || umount -l "$SKIFF_IPCNS" 2>/dev/null
    rm -f "$SKIFF_IPCNS"
    rmdir /run/skiff-critest 2>/dev/null
  fi
  SKIFF_NETNS='' SKIFF_IPCNS=''
  return 0
}

# port_free PORT: fails if something listens on 127.0.0.1:PORT in the namespace
port_free() {
  local port=$1
  if in_netns ss -Htln "sport = :$port" | grep -q .; then
    skiff_err "port $port is already in use in network namespace $SKIFF_NETNS"; return 1
  fi
}

# wait_http URL [SECONDS]: waits until URL answers (any HTTP status) in the netns
wait_http() {
  local url=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 5; i++)); do
    in_netns curl -s -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.2
  done
  return 1
}

# registry_start DIR [PORT]: Debian's docker-registry on 127.0.0.1:PORT (default
# 5000) in the namespace, storage in DIR/data, log in DIR/registry.log; waits
# for /v2/; sets REGISTRY_PID and REGISTRY_PORT
registry_start() {
  local dir=$1 port=${2:-5000}
  require_tools docker-registry curl || return 1
  port_free "$port" || return 1
  mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  in_netns_bg "$dir/registry.log" /usr/bin/docker-registry serve "$dir/config.yml" || return 1
  REGISTRY_PID=$BG_PID
  REGISTRY_PORT=$port
  echo "$REGISTRY_PID" > "$dir/registry.pid"
  if ! wait_http "http://127.0.0.1:$port/v2/" 30; then
    skiff_err "registry did not answer on 127.0.0.1:$port within 30s (log: $dir/registry.log)"
    registry_stop "$dir"; return 1
  fi
}

# registry_stop DIR: stops the registry started with DIR, by its pid
registry_stop() {
  local dir=$1 pid
  pid=$(cat "$dir/registry.pid" 2>/dev/null) || return 0
  stop_pid "$pid" 10 || true
  rm -f "$dir/registry.pid"
}

# alive PID: true while PID runs (a zombie child waiting to be reaped is dead)
alive() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 10).
# Returns the exit status when PID is a child of this shell (143 = SIGTERM,
# 137 = had to be killed), else 0.
stop_pid() {
  local pid=$1 secs=${2:-10} i rc=0
  kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return; }
  for ((i = 0; i < secs * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || rc=$?
  return $rc
}

# images_build: builds the look-alike images (cached) into $SKIFF_IMAGES_DIR
images_build() {
  "$SKIFF_LIB_DIR/images/build.sh" "$SKIFF_IMAGES_DIR" || { skiff_err "building the test images failed"; return 1; }
}

# push_images [PORT] [REGISTRY_DIR]: copies every image of $SKIFF_IMAGES_DIR
# into the registry at 127.0.0.1:PORT with skopeo; skipped when REGISTRY_DIR
# already holds exactly this build (stamp file)
push_images() {
  local port=${1:-${REGISTRY_PORT:-5000}} rdir=${2:-} ref dest n=0 stamp
  require_tools skopeo || return 1
  [ -f "$SKIFF_IMAGES_DIR/images.list" ] || { skiff_err "no images in $SKIFF_IMAGES_DIR (run images_build)"; return 1; }
  stamp=$(cat "$SKIFF_IMAGES_DIR/inputs.sha256")
  if [ -n "$rdir" ] && [ "$(cat "$rdir/pushed.sha256" 2>/dev/null)" = "$stamp" ]; then
    echo "images: already in the registry (cached)"; return 0
  fi
  while read -r ref dest; do
    in_netns skopeo --insecure-policy copy -q --dest-tls-verify=false \
      "oci:$SKIFF_IMAGES_DIR/oci:$ref" "docker://127.0.0.1:$port/$dest" >/dev/null ||
      { skiff_err "skopeo could not push $dest to 127.0.0.1:$port"; return 1; }
    n=$((n + 1))
  done < "$SKIFF_IMAGES_DIR/images.list"
  [ -n "$rdir" ] && echo "$stamp" > "$rdir/pushed.sha256"
  echo "images: pushed $n images to 127.0.0.1:$port"
}

# cgroup_own_dirs: this shell's own cgroup directory in every mounted hierarchy
# (on a hybrid host a process can sit at a different path in each v1 hierarchy).
# skiffd runs as our child, so a relative cgroup.root resolves below these.
cgroup_own_dirs() {
  local mnt type opts path c
  while read -r _ mnt type opts _; do
    case $type in
      cgroup2) path=$(awk -F: '$1 == "0" && $2 == "" {print $3}' /proc/self/cgroup) ;;
      cgroup)
        path=""
        for c in ${opts//,/ }; do
          path=$(awk -F: -v c="$c" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' /proc/self/cgroup)
          [ -n "$path" ] && break
        done ;;
      *) continue ;;
    esac
    [ -n "$path" ] && echo "${mnt}${path%/}"
  done < /proc/self/mounts
}

# cgroup_cleanup REL: kills every process left below REL in our own cgroup of
# each hierarchy (only the test's containers can be there) and removes those
# cgroups, deepest first.
cgroup_cleanup() {
  local rel=$1 d pids=""
  [ -n "$rel" ] || return 0
  for d in $(cgroup_own_dirs); do
    [ -d "$d/$rel" ] || continue
    pids="$pids $(find "$d/$rel" -name cgroup.procs -exec cat {} + 2>/dev/null)"
  done
  pids=$(echo $pids | tr ' ' '\n' | sort -u)
  # shellcheck disable=SC2086
  [ -n "$pids" ] && { kill_pids KILL $pids; sleep 0.5; }
  for d in $(cgroup_own_dirs); do
    [ -d "$d/$rel" ] && find "$d/$rel" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}

# umount_under DIR: unmounts everything mounted below DIR, deepest first
umount_under() {
  local dir=$1 mp
  [ -n "$dir" ] && [ "$dir" != / ] || return 0
  awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r mp; do
    umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null
  done
}

# skiffd_start CONFIG SOCKET LOG [ARGS...]: starts bin/skiffd in the namespace,
# waits up to 60 s for SOCKET; sets SKIFFD_PID
skiffd_start() {
  local config=$1 sock=$2 log=$3 i; shift 3
  local bin=${SKIFFD_BIN:-$SKIFF_REPO/bin/skiffd}
  [ -x "$bin" ] || { skiff_err "skiffd not found at $bin (build it: mvn -q -DskipTests package)"; return 1; }
  in_netns_bg "$log" "$bin" --config "$config" "$@" || return 1
  SKIFFD_PID=$BG_PID
  for ((i = 0; i < 600; i++)); do
    [ -S "$sock" ] && return 0
    alive "$SKIFFD_PID" || {
      wait "$SKIFFD_PID"; skiff_err "skiffd exited with status $? before serving $sock (log: $log)"
      tail -n 20 "$log" >&2; SKIFFD_PID=; return 1; }
    sleep 0.1
  done
  skiff_err "skiffd did not create $sock within 60s (log: $log)"
  return 1
}

# skiffd_stop: SIGTERM (it must exit cleanly), SIGKILL after 20 s; returns
# skiffd's exit status
skiffd_stop() {
  local rc=0
  [ -n "${SKIFFD_PID:-}" ] || return 0
  stop_pid "$SKIFFD_PID" 20 || rc=$?
  SKIFFD_PID=
  return $rc
}
