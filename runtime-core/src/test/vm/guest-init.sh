#!/bin/busybox sh
# PID 1 of the initramfs that bin/cgv2-vm builds. Loads the virtio/9p/overlay modules,
# makes / an overlay of the host's / (read-only 9p) under a tmpfs, mounts a pure cgroup2
# hierarchy at /sys/fs/cgroup in it, switch_roots and hands over to guest-run.sh.
PATH=/bin
export PATH
R=/newroot
P9='trans=virtio,version=9p2000.L,msize=512000'

fail() {
  echo "cgv2-vm init: $*" >&2
  [ -d /ctl ] && echo "init: $*" > /ctl/init-error 2>/dev/null
  sync
  poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /etc/modules.load); do
  insmod "/lib/modules/$m.ko" || fail "insmod $m"
done

mkdir -p /ctl /lower /ovl $R
mount -t 9p -o "$P9,cache=none" ctl /ctl || fail "mount 9p ctl"
mount -t 9p -o "$P9,ro,cache=loose" host /lower || fail "mount 9p host"
mount -t tmpfs -o mode=0755 tmpfs /ovl || fail "tmpfs for the overlay"
mkdir -p /ovl/upper /ovl/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work $R || fail "overlay"

mount -t proc proc $R/proc || fail "proc"
mount -t sysfs sysfs $R/sys || fail "sysfs"
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $R/sys/fs/cgroup || fail "cgroup2"
mount -t devtmpfs devtmpfs $R/dev || fail "devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t tmpfs -o mode=0755 tmpfs $R/run || fail "tmpfs /run"
# /tmp stays the host's (read-only lower, tmpfs upper): a checkout under /tmp, as CI may use,
# must be visible at the same path in the guest.
mkdir -p $R/run/cgv2-vm $R/run/cgv2-vm-init
mount --move /ctl $R/run/cgv2-vm || fail "move ctl"
cp /bin/busybox /guest-run.sh $R/run/cgv2-vm-init/ || fail "copy guest-run.sh"
exec switch_root $R /run/cgv2-vm-init/busybox sh /run/cgv2-vm-init/guest-run.sh
fail "switch_root"
