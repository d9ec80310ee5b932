#!/bin/bash
# Runs the real critest (cri-tools, pinned in critest/tools/go.mod) against
# bin/skiffd, offline, inside a private network namespace, then enforces the
# ratchet (critest/expected-pass.txt).
#
#   critest/run.sh [--focus REGEX] [--skip REGEX] [--update-expected]
#                  [--registry-port N] [--verbose] [-- ] [critest flags...]
#
# Exit status: 0 ok; 1 a listed spec no longer passes, or the harness broke
# (skiffd did not start, no report); 2 a precondition is missing (not root,
# tools missing, skiffd not built, port in use).
# Environment: SKIFFD_BIN (default <repo>/bin/skiffd), SKIFF_LOG_LEVEL
# (info), CRITEST_TIMEOUT (ginkgo suite timeout, default 45m).
# Results (JUnit, logs, config, summary): .cache/critest-results/<run>/ and
# .cache/critest-results/latest.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=critest/lib.sh
source "$HERE/lib.sh"
REPO=$SKIFF_REPO

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
precondition() { echo "critest/run.sh: $*" >&2; exit 2; }

FOCUS="" SKIP="" UPDATE=0 VERBOSE=0 PORT=5000 PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --focus) [ $# -ge 2 ] || precondition "--focus needs a regex"; FOCUS=$2; shift 2 ;;
    --focus=*) FOCUS=${1#*=}; shift ;;
    --skip) [ $# -ge 2 ] || precondition "--skip needs a regex"; SKIP=$2; shift 2 ;;
    --skip=*) SKIP=${1#*=}; shift ;;
    --update-expected) UPDATE=1; shift ;;
    --registry-port) [ $# -ge 2 ] || precondition "--registry-port needs a number"; PORT=$2; shift 2 ;;
    --registry-port=*) PORT=${1#*=}; shift ;;
    --verbose|-v) VERBOSE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; PASS+=("$@"); break ;;
    *) PASS+=("$1"); shift ;;
  esac
done
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || precondition "bad --registry-port '$PORT'"

# ------------------------------------------------------------- preconditions
require_root 2>/dev/null || precondition "must run as root (namespaces, mounts and cgroups need it)"
for t in critest crictl docker-registry skopeo jq curl python3 nsenter unshare ip ss gcc; do
  command -v "$t" >/dev/null 2>&1 || precondition "missing tool '$t': run critest/install-tools.sh (as root)"
done
SKIFFD=${SKIFFD_BIN:-$REPO/bin/skiffd}
[ -x "$SKIFFD" ] || precondition "skiffd not found at $SKIFFD: build it first (mvn -q -DskipTests package)"

RUN_ID=$(date +%Y%m%d-%H%M%S)-$$
RESULTS=$REPO/.cache/critest-results/$RUN_ID
mkdir -p "$RESULTS"
ln -sfn "$RUN_ID" "$REPO/.cache/critest-results/latest"
# keep the 10 newest runs
find "$REPO/.cache/critest-results" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' |
  sort -r | tail -n +11 | while read -r old; do rm -rf "${REPO:?}/.cache/critest-results/$old"; done
TMP=$(mktemp -d /tmp/skiff-critest.XXXXXX)
NS=skiff-critest-$$
# Relative: skiffd creates it below its own (our) cgroup in every hierarchy.
CGROUP_ROOT=skiff-critest-$$
SOCK=$TMP/run/skiff.sock

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${SKIFFD_PID:-}" ]; then
    skiffd_stop; local src=$?
    case $src in 0|143) ;; *) echo "critest/run.sh: warning: skiffd exited with status $src on SIGTERM (log: $RESULTS/skiffd.log)" >&2 ;; esac
  fi
  registry_stop "$TMP/registry"
  cgroup_cleanup "$CGROUP_ROOT"
  netns_delete
  umount_under "$TMP"
  rm -rf --one-file-system "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ images, netns
images_build > "$RESULTS/images.log" 2>&1 || { cat "$RESULTS/images.log" >&2; echo "critest/run.sh: building the test images failed" >&2; exit 1; }
tail -n 1 "$RESULTS/images.log"
netns_create "$NS" || exit 1
port_free "$PORT" 2>/dev/null || precondition "port $PORT is already in use in network namespace $NS"
registry_start "$TMP/registry" "$PORT" || exit 1
push_images "$PORT" "$TMP/registry" || exit 1

# -------------------------------------------------------------------- skiffd
mkdir -p "$TMP/state" "$TMP/run" "$TMP/critest-cwd"
MIRROR="http://127.0.0.1:$PORT"
cat > "$RESULTS/skiff.toml" <<EOF
# skiffd config for critest/run.sh (run $RUN_ID); everything under $TMP
[daemon]
socket = "$SOCK"
state_dir = "$TMP/state"
run_dir = "$TMP/run"
log_level = "${SKIFF_LOG_LEVEL:-info}"

[cgroup]
root = "$CGROUP_ROOT"

[network]
bridge = "skiff0"
pod_cidr = "10.88.0.0/16"

[image]
insecure_registries = ["127.0.0.1:$PORT"]

# critest asks for upstream names; serve them from the local registry
[registries."registry.k8s.io"]
mirrors = ["$MIRROR"]

[registries."gcr.io"]
mirrors = ["$MIRROR"]

[registries."k8s.gcr.io"]
mirrors = ["$MIRROR"]
EOF
echo "skiffd: starting $SKIFFD in netns $NS (cgroup $CGROUP_ROOT)"
skiffd_start "$RESULTS/skiff.toml" "$SOCK" "$RESULTS/skiffd.log" || exit 1
printf 'runtime-endpoint: unix://%s\nimage-endpoint: unix://%s\ntimeout: 10\n' "$SOCK" "$SOCK" > "$TMP/crictl.yaml"
in_netns crictl --config "$TMP/crictl.yaml" version > "$RESULTS/crictl-version.txt" 2>&1 ||
  { echo "critest/run.sh: skiffd does not answer Version on $SOCK:" >&2; cat "$RESULTS/crictl-version.txt" >&2; exit 1; }
sed 's/^/  /' "$RESULTS/crictl-version.txt"

# ------------------------------------------------------------------- critest
ARGS=(--runtime-endpoint "unix://$SOCK" --image-endpoint "unix://$SOCK"
      "--ginkgo.junit-report=$RESULTS/junit.xml" --ginkgo.no-color --ginkgo.v
      "--ginkgo.timeout=${CRITEST_TIMEOUT:-45m}")
[ -n "$FOCUS" ] && ARGS+=("--ginkgo.focus=$FOCUS")
[ -n "$SKIP" ] && ARGS+=("--ginkgo.skip=$SKIP")
ARGS+=("${PASS[@]}")
printf '%q ' critest "${ARGS[@]}" > "$RESULTS/critest.cmd"; echo >> "$RESULTS/critest.cmd"
echo "critest: $(critest --version 2>/dev/null | head -1), log $RESULTS/critest.log"
start=$SECONDS
# critest reads crictl.yaml from its working directory's parent when
# /etc/crictl.yaml is absent: run it in $TMP/critest-cwd, next to ours.
if [ "$VERBOSE" = 1 ]; then
  (cd "$TMP/critest-cwd" && in_netns critest "${ARGS[@]}") 2>&1 | tee "$RESULTS/critest.log"
else
  (cd "$TMP/critest-cwd" && in_netns critest "${ARGS[@]}") > "$RESULTS/critest.log" 2>&1
fi
echo "critest: finished in $((SECONDS - start))s"
grep -E '^(Ran [0-9]+ of|FAIL!|SUCCESS!)' "$RESULTS/critest.log" | sed 's/^/  /'

# ------------------------------------------------------------------- ratchet
RARGS=("$RESULTS/junit.xml")
FILTERED=0
{ [ -n "$FOCUS" ] || [ -n "$SKIP" ]; } && FILTERED=1
for a in "${PASS[@]}"; do case "$a" in *focus*|*skip*|*label-filter*) FILTERED=1 ;; esac; done
[ "$FILTERED" = 1 ] && RARGS+=(--filtered)
[ "$UPDATE" = 1 ] && RARGS+=(--update)
python3 "$HERE/ratchet.py" "${RARGS[@]}" | tee "$RESULTS/summary.txt"
rc=${PIPESTATUS[0]}
echo "results: $RESULTS"
exit "$rc"
