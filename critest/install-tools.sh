#!/bin/bash
# Installs everything the conformance harness and skiff's integration tests
# need. Idempotent and fast when nothing is missing; run as root.
#
#   Debian packages (apt-get): iproute2 nftables busybox-static docker-registry
#     skopeo jq util-linux libxml2-utils python3 gcc libc6-dev curl, qemu-system-x86
#     and xz-utils (bin/cgv2-vm boots a pure cgroup v2 kernel), criu (CheckpointContainer),
#     plus the `busybox` .deb downloaded (not installed: it conflicts with
#     busybox-static) into .cache/debs for the test images.
#   Go tools, pinned to cri-tools $CRI_TOOLS_VERSION, into .cache/tools/bin:
#     crictl  (go install sigs.k8s.io/cri-tools/cmd/crictl@VERSION)
#     critest (go test -c of sigs.k8s.io/cri-tools/cmd/critest, from the
#              module in critest/tools, whose go.sum pins every dependency)
# GOPATH, GOCACHE and GOBIN all live under .cache/, so nothing but apt's
# packages lands outside the repository.
set -euo pipefail

CRI_TOOLS_VERSION=v1.36.0   # keep equal to the require line in critest/tools/go.mod
APT_PACKAGES="iproute2 nftables busybox-static docker-registry skopeo jq util-linux libxml2-utils python3 gcc libc6-dev curl apache2-utils openssl qemu-system-x86 xz-utils libseccomp-dev criu"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=$REPO/.cache
TOOLS=$CACHE/tools/bin

die() { echo "install-tools: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get installs packages; critest needs namespaces and mounts)"
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root -q)

# ------------------------------------------------------------ Debian packages
missing=()
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-tools: apt-get install ${missing[*]}"
  apt-get "${APT_OPTS[@]}" update >/dev/null || die "apt-get update failed"
  apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    die "cannot install Debian packages: ${missing[*]}"
fi
for t in ip nft busybox docker-registry skopeo jq nsenter unshare xmllint python3 gcc curl htpasswd openssl qemu-system-x86_64 xz; do
  command -v "$t" >/dev/null || die "tool '$t' is still missing after apt-get install"
done

mkdir -p "$CACHE/debs"
if ! ls "$CACHE/debs"/busybox_*.deb >/dev/null 2>&1; then
  echo "install-tools: apt-get download busybox (dynamic build, for the test images)"
  (cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" download busybox >/dev/null 2>&1) ||
    { apt-get "${APT_OPTS[@]}" update >/dev/null && (cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" download busybox >/dev/null); } ||
    die "cannot download Debian's busybox .deb"
fi

# ------------------------------------------------------------------- Go tools
GO=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$GO" ] || die "Go is missing (cri-tools $CRI_TOOLS_VERSION needs go >= 1.26; Debian's golang is too old)"
grep -q "sigs.k8s.io/cri-tools $CRI_TOOLS_VERSION\$" "$HERE/tools/go.mod" ||
  die "critest/tools/go.mod does not require sigs.k8s.io/cri-tools $CRI_TOOLS_VERSION"

export GOPATH=$CACHE/go GOCACHE=$CACHE/go-build GOBIN=$TOOLS GOFLAGS=-modcacherw GOTOOLCHAIN=local
stamp=$CACHE/tools/stamp
want="$CRI_TOOLS_VERSION $("$GO" env GOVERSION) $(sha256sum "$HERE/tools/go.sum" | cut -c1-16)"
if [ -x "$TOOLS/crictl" ] && [ -x "$TOOLS/critest" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "install-tools: ok (cri-tools $CRI_TOOLS_VERSION cached in $TOOLS)"
  exit 0
fi
mkdir -p "$TOOLS"
ldflags="-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRI_TOOLS_VERSION"
echo "install-tools: building crictl and critest $CRI_TOOLS_VERSION (a few minutes the first time)"
"$GO" install -ldflags "$ldflags" "sigs.k8s.io/cri-tools/cmd/crictl@$CRI_TOOLS_VERSION" ||
  die "cannot build crictl $CRI_TOOLS_VERSION with $("$GO" env GOVERSION)"
(cd "$HERE/tools" && "$GO" test -c -ldflags "$ldflags" -o "$TOOLS/critest" sigs.k8s.io/cri-tools/cmd/critest) ||
  die "cannot build critest $CRI_TOOLS_VERSION with $("$GO" env GOVERSION)"
echo "$want" > "$stamp"
echo "install-tools: ok (cri-tools $CRI_TOOLS_VERSION in $TOOLS)"
