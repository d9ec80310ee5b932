#!/bin/bash
# Builds look-alikes of every image critest v1.36.0 pulls, offline, as one OCI
# image layout: $OUT/oci (index.json names each image by its registry path)
# and $OUT/images.list ("<oci ref> <registry path:tag>" per line).
#
#   critest/images/build.sh [OUT]        (default OUT: <repo>/.cache/critest-images)
#
# Cached: when build.sh, src/, files/, the busybox .deb, libc6 and gcc are
# unchanged, it prints the existing layout and exits. Builds are deterministic
# (fixed mtimes and owners, gzip -n), so a rebuild gives the same digests.
#
# Base userland: the *dynamic* busybox from Debian's `busybox` .deb plus the
# glibc files it links against. Not busybox-static: Debian builds that one
# with FEATURE_SH_STANDALONE, so its sh runs applets itself and never execs
# /bin/ls, and critest's MaskedPaths spec masks /bin/ls and expects
# "/bin/sh: ls: Permission denied". Applets are hard links in /bin, as in the
# upstream image (a symlink would make a runtime mask /bin/busybox itself).
# The .deb is fetched with `apt-get download` (busybox and busybox-static
# conflict, so it is never installed). See critest/README.md for each image.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/.cache/critest-images}
DEBS=$REPO/.cache/debs
WORK=$OUT/build
LAYOUT=$OUT/oci
LIST=$OUT/images.list
STAMP=$OUT/inputs.sha256
EPOCH=1704067200                   # 2024-01-01T00:00:00Z, every mtime
CREATED=2024-01-01T00:00:00Z
PATHENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

die() { echo "images/build.sh: $*" >&2; exit 1; }
for t in gcc jq dpkg-deb sha256sum gzip tar; do
  command -v "$t" >/dev/null || die "missing tool '$t' (run critest/install-tools.sh)"
done

BB_DEB=$(ls "$DEBS"/busybox_*.deb 2>/dev/null | sort | tail -1 || true)
if [ -z "$BB_DEB" ]; then
  mkdir -p "$DEBS"
  (cd "$DEBS" && apt-get download busybox >/dev/null) || die "cannot download Debian's busybox .deb (apt-get download busybox)"
  BB_DEB=$(ls "$DEBS"/busybox_*.deb | sort | tail -1)
fi

inputs_hash() {
  {
    (cd "$HERE" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum)
    basename "$BB_DEB"
    dpkg-query -W -f='${Package} ${Version}\n' libc6
    gcc --version | head -1
  } | sha256sum | cut -d' ' -f1
}
HASH=$(inputs_hash)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ] && [ -f "$LAYOUT/index.json" ] && [ -f "$LIST" ]; then
  echo "images: cached ($LAYOUT, $(wc -l < "$LIST") images)"
  exit 0
fi

rm -rf "$WORK" "$LAYOUT" "$LIST" "$STAMP"
mkdir -p "$WORK" "$LAYOUT/blobs/sha256"
echo '{"imageLayoutVersion":"1.0.0"}' > "$LAYOUT/oci-layout"
: > "$LIST"
MANIFESTS=()

dpkg-deb -x "$BB_DEB" "$WORK/busybox-deb"
BUSYBOX=$WORK/busybox-deb/bin/busybox

mkdir -p "$WORK/helpers"
for s in pause nnp nginx-lookalike; do
  gcc -static -Os -s -Wall -Werror -o "$WORK/helpers/$s" "$HERE/src/$s.c"
done

sha() { sha256sum "$1" | cut -d' ' -f1; }

# put_blob FILE: stores FILE under its digest, prints the digest
put_blob() { local d; d=$(sha "$1"); cp "$1" "$LAYOUT/blobs/sha256/$d"; echo "$d"; }

declare -A LAYER_DIGEST LAYER_DIFFID LAYER_SIZE
# save_layer NAME DIR: a gzip layer of DIR's content, with fixed mtimes/owners
save_layer() {
  local name=$1 dir=$2 t=$WORK/layer.tar
  find "$dir" -exec touch -h -d "@$EPOCH" {} +
  (cd "$dir" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
     tar --no-recursion --numeric-owner --owner=0 --group=0 --format=gnu -cf - -T -) > "$t"
  LAYER_DIFFID[$name]=sha256:$(sha "$t")
  gzip -n -9 -c "$t" > "$t.gz"
  LAYER_DIGEST[$name]=sha256:$(put_blob "$t.gz")
  LAYER_SIZE[$name]=$(stat -c %s "$t.gz")
  rm -f "$t" "$t.gz"
}

# image DEST "LAYER..." CONFIG_JSON
#   DEST: registry path:tag without host (e2e-test-images/busybox:1.29-2)
image() {
  local dest=$1 layers=$2 cfg=$3 ref diffids="" ljson="" l cdig csize mdig msize
  ref=$(echo "$dest" | tr '/:' '__')
  for l in $layers; do
    diffids+="\"${LAYER_DIFFID[$l]}\","
    ljson+="{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"${LAYER_DIGEST[$l]}\",\"size\":${LAYER_SIZE[$l]}},"
  done
  jq -cn --argjson c "$cfg" --argjson d "[${diffids%,}]" --arg created "$CREATED" \
    '{created:$created,architecture:"amd64",os:"linux",config:$c,rootfs:{type:"layers",diff_ids:$d}}' \
    > "$WORK/config.json"
  cdig=sha256:$(put_blob "$WORK/config.json"); csize=$(stat -c %s "$WORK/config.json")
  jq -cn --arg cd "$cdig" --argjson cs "$csize" --argjson l "[${ljson%,}]" \
    '{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$cd,size:$cs},
      layers:$l}' > "$WORK/manifest.json"
  mdig=sha256:$(put_blob "$WORK/manifest.json"); msize=$(stat -c %s "$WORK/manifest.json")
  MANIFESTS+=("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$mdig\",\"size\":$msize,\"annotations\":{\"org.opencontainers.image.ref.name\":\"$ref\"}}")
  echo "$ref $dest" >> "$LIST"
  printf '  %-58s %s\n' "$dest" "${cdig:7:12}"
}

# ---------------------------------------------------------------- base layer
R=$WORK/rootfs/base
mkdir -p "$R"/{bin,etc,root,tmp,home,dev,proc,sys,usr/bin,usr/sbin,usr/local/bin,var/www,var/spool/mail,var/run,lib64,lib/x86_64-linux-gnu}
chmod 1777 "$R/tmp"; chmod 700 "$R/root"
install -m 755 "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
  [ "$a" = busybox ] || ln "$R/bin/busybox" "$R/bin/$a"
done
# glibc for the dynamic busybox, copied from this host's libc6
for lib in $(ldd "$BUSYBOX" | awk '/=>/ {print $3} /ld-linux/ && !/=>/ {print $1}'); do
  case "$lib" in
    */ld-linux*) cp -L "$lib" "$R/lib64/$(basename "$lib")" ;;
    *) cp -L "$lib" "$R/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
  esac
done
# stand-ins for applets that Debian's busybox lacks but critest runs
install -m 755 "$HERE/files/ipcs" "$R/bin/ipcs"
install -m 755 "$HERE/files/pgrep" "$R/bin/pgrep"
cat > "$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat > "$R/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' > "$R/etc/nsswitch.conf"
save_layer base "$R"

# -------------------------------------------------------------- extra layers
mk() { rm -rf "$WORK/rootfs/$1"; mkdir -p "$WORK/rootfs/$1"; echo "$WORK/rootfs/$1"; }

D=$(mk nginx)
mkdir -p "$D/usr/sbin" "$D/usr/share/nginx/html" "$D/var/run" "$D/etc/nginx"
install -m 755 "$WORK/helpers/nginx-lookalike" "$D/usr/sbin/nginx"
echo '<html><body><h1>Welcome to nginx (lookalike)!</h1></body></html>' > "$D/usr/share/nginx/html/index.html"
save_layer nginx "$D"

D=$(mk httpd)
mkdir -p "$D/usr/local/bin" "$D/usr/local/apache2/htdocs" "$D/usr/local/apache2/bin"
install -m 755 "$HERE/files/httpd-foreground" "$D/usr/local/bin/httpd-foreground"
echo '<html><body><h1>It works! (httpd lookalike)</h1></body></html>' > "$D/usr/local/apache2/htdocs/index.html"
save_layer httpd "$D"

D=$(mk nnp)
mkdir -p "$D/usr/local/bin"
install -m 4755 "$WORK/helpers/nnp" "$D/usr/local/bin/nnp"
save_layer nnp "$D"

D=$(mk pause)
install -m 755 "$WORK/helpers/pause" "$D/pause"
save_layer pause "$D"

D=$(mk predefined-group)
mkdir -p "$D/etc" "$D/home/default-user"
cp "$R/etc/passwd" "$R/etc/group" "$D/etc/"
echo 'default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh' >> "$D/etc/passwd"
printf 'default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n' >> "$D/etc/group"
save_layer predefined-group "$D"

# one-file layers for the image-test family (upstream: ADD ${TEST} /)
for f in test-image-1 test-image-2 test-image-3 test-image-latest test-image-digest same-image test all; do
  D=$(mk "file-$f"); touch "$D/$f"; save_layer "file-$f" "$D"
done

# -------------------------------------------------------------------- images
BB_CFG="{\"Env\":[\"$PATHENV\"],\"Cmd\":[\"sh\"]}"
cfg_user() { echo "{\"Env\":[\"$PATHENV\"],\"Cmd\":[\"sh\"],\"User\":\"$1\"}"; }
NGINX_CFG="{\"Env\":[\"$PATHENV\"],\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\"ExposedPorts\":{\"80/tcp\":{}},\"StopSignal\":\"SIGTERM\"}"
HOSTNET_CFG="{\"Env\":[\"$PATHENV\",\"NGINX_LOOKALIKE_PORT=12003\"],\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\"ExposedPorts\":{\"12003/tcp\":{}},\"StopSignal\":\"SIGTERM\"}"
HTTPD_CFG="{\"Env\":[\"$PATHENV\"],\"Cmd\":[\"httpd-foreground\"],\"WorkingDir\":\"/usr/local/apache2\",\"ExposedPorts\":{\"80/tcp\":{}}}"
NNP_CFG="{\"Env\":[\"$PATHENV\"],\"Entrypoint\":[\"/usr/local/bin/nnp\"]}"
# pause:3.9 must get an image ID of its own (critest v1.36.0 removes it by ID
# and expects exactly its two RepoTags), so its config differs by a label.
pause_cfg() { echo "{\"Env\":[\"$PATHENV\"],\"Entrypoint\":[\"/pause\"],\"User\":\"65535:65535\",\"Labels\":{\"dev.skiff.lookalike\":\"pause:$1\"}}"; }

S=k8s-staging-cri-tools   # gcr.io/k8s-staging-cri-tools/...
E=e2e-test-images         # registry.k8s.io/e2e-test-images/...
echo "images: building OCI layout in $LAYOUT (name, config digest)"
image "$E/busybox:1.29-2"                        "base"        "$BB_CFG"
image "$E/nginx:1.14-2"                          "base nginx"  "$NGINX_CFG"
image "$E/httpd:2.4.39-4"                        "base httpd"  "$HTTPD_CFG"
image "$E/nonewprivs:1.3"                        "base nnp"    "$NNP_CFG"
image "pause:3.6"                                "pause"       "$(pause_cfg 3.6)"
image "pause:3.9"                                "pause"       "$(pause_cfg 3.9)"   # also k8s.gcr.io/pause:3.9
image "pause:3.10"                               "pause"       "$(pause_cfg 3.10)"
image "$S/hostnet-nginx-amd64:latest"            "base nginx"  "$HOSTNET_CFG"
image "$S/test-image-user-uid:latest"            "base"        "$(cfg_user 1002)"
image "$S/test-image-user-username:latest"       "base"        "$(cfg_user www-data)"
image "$S/test-image-user-uid-group:latest"      "base"        "$(cfg_user 1003:1004)"
image "$S/test-image-user-username-group:latest" "base"        "$(cfg_user www-data:1004)"
image "$S/test-image-predefined-group:latest"    "base predefined-group" "$(cfg_user 1000)"
for n in 1 2 3 latest digest; do
  image "$S/test-image-$n:latest"                "base file-test-image-$n" "$BB_CFG"
done
for t in 1 2 3; do
  image "$S/test-image-tags:$t"                  "base file-same-image" "$BB_CFG"
done
image "$S/test-image-tag:test"                   "base file-test" "$BB_CFG"
image "$S/test-image-tag:all"                    "base file-all"  "$BB_CFG"

( IFS=,; echo "{\"schemaVersion\":2,\"manifests\":[${MANIFESTS[*]}]}" ) | jq . > "$LAYOUT/index.json"
rm -rf "$WORK"
echo "$HASH" > "$STAMP"
echo "images: $(wc -l < "$LIST") images, $(ls "$LAYOUT/blobs/sha256" | wc -l) blobs, $(du -sh "$LAYOUT" | cut -f1)"
