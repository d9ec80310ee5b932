# PID 1 after switch_root (/ is the overlay over the host's /). Starts /run/cgv2-vm/cmd.sh
# in the cgroup named in /run/cgv2-vm/cgroup, as a systemd service would sit, with every
# controller enabled down to its parent; stdout and stderr go to two virtio-serial ports.
# Writes the exit code to /run/cgv2-vm/rc and powers off.
BB=/run/cgv2-vm-init/busybox
C=/run/cgv2-vm
OUT=/dev/console ERR=/dev/console
for d in /sys/class/virtio-ports/*; do
  case "$(cat $d/name 2>/dev/null)" in
    cgv2vm.out) OUT=/dev/${d##*/} ;;
    cgv2vm.err) ERR=/dev/${d##*/} ;;
  esac
done
$BB hostname cgv2-vm
dir=/sys/fs/cgroup
for part in $($BB tr / ' ' < $C/cgroup); do
  $BB sed 's/[^ ][^ ]*/+&/g' $dir/cgroup.controllers > $dir/cgroup.subtree_control
  dir=$dir/$part
  $BB mkdir -p $dir
done
read -r t0 _ < /proc/uptime
$BB env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  CGPROCS=$dir/cgroup.procs C=$C \
  /bin/sh -c 'echo $$ > $CGPROCS && exec /bin/bash $C/cmd.sh' < /dev/null > $OUT 2> $ERR
echo $? > $C/rc
read -r t1 _ < /proc/uptime
echo "$t0 $t1" > $C/timing
$BB sync
$BB poweroff -f
