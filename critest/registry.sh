#!/bin/bash
# A local registry holding skiff's look-alike test images, for tests that run
# in a network namespace of their own (Java integration tests of the image
# service, for instance):
#
#   critest/registry.sh start NETNS DIR [PORT]   # NETNS from `ip netns add`
#   critest/registry.sh stop DIR
#
# start builds the images (cached), starts Debian's docker-registry on
# 127.0.0.1:PORT (default 5000) inside /run/netns/NETNS with storage, config,
# log and pid file in DIR, waits for /v2/, pushes every image, and prints
# "registry pid PID on 127.0.0.1:PORT". The registry keeps running after the
# script returns; stop ends it by the pid in DIR/registry.pid.
# Exit status: 0 ok, 1 failure, 2 bad usage or a precondition missing.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=critest/lib.sh
source "$HERE/lib.sh"

usage() { sed -n '6,7p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2; exit 2; }
case "${1:-}" in
  start)
    [ $# -ge 3 ] || usage
    SKIFF_NETNS=$2 dir=$3 port=${4:-5000}
    require_root || exit 2
    require_tools docker-registry skopeo curl jq gcc || exit 2
    [ -e "/run/netns/$SKIFF_NETNS" ] || { skiff_err "no network namespace /run/netns/$SKIFF_NETNS"; exit 2; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    images_build >/dev/null || exit 1
    port_free "$port" || exit 2
    registry_start "$dir" "$port" || exit 1
    push_images "$port" "$dir" >/dev/null || { registry_stop "$dir"; exit 1; }
    echo "registry pid $REGISTRY_PID on 127.0.0.1:$port"
    ;;
  stop)
    [ $# -ge 2 ] || usage
    registry_stop "$2"
    ;;
  *) usage ;;
esac
