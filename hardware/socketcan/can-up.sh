#!/usr/bin/env bash
# Brings a SocketCAN interface up: a real adapter at a given bitrate, or a virtual one for labs.
# Met une interface SocketCAN en service : un adaptateur réel à un débit donné, ou une interface
# virtuelle pour les TP.
#
#   can-up.sh can0 500000                  classic CAN at 500 kbit/s (most cars' OBD-II bus)
#   can-up.sh can0 500000 --listen-only    record a car without ever acknowledging or transmitting
#   can-up.sh can0 500000 --fd 2000000     CAN FD, 2 Mbit/s data phase
#   can-up.sh --vcan vcan0                 virtual interface (no hardware), add --fd for 64-byte frames
#   can-up.sh --down can0                  take it down (a vcan interface is deleted)
#   add --dry-run to print the commands without running them.
set -euo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

DRY=0
MODE=real
IFACE=""
BITRATE=""
DBITRATE=""
FD=0
LISTEN=0
RESTART_MS=100
TXQUEUELEN=1000

while [ $# -gt 0 ]; do
  case "$1" in
    --vcan) MODE=vcan ;;
    --down) MODE=down ;;
    --fd)
      FD=1
      if [ $# -gt 1 ] && [[ "$2" =~ ^[0-9]+$ ]]; then DBITRATE="$2"; shift; fi
      ;;
    --listen-only) LISTEN=1 ;;
    --restart-ms) RESTART_MS="${2:?--restart-ms needs a value}"; shift ;;
    --txqueuelen) TXQUEUELEN="${2:?--txqueuelen needs a value}"; shift ;;
    --dry-run) DRY=1 ;;
    -h|--help) usage 0 ;;
    -*) echo "can-up.sh: unknown option $1" >&2; usage ;;
    *)
      if [ -z "$IFACE" ]; then IFACE="$1"
      elif [ -z "$BITRATE" ]; then BITRATE="$1"
      else echo "can-up.sh: unexpected argument $1" >&2; usage
      fi
      ;;
  esac
  shift
done

[ -n "$IFACE" ] || usage
if ! [[ "$IFACE" =~ ^[A-Za-z0-9_.-]{1,15}$ ]]; then
  echo "can-up.sh: '$IFACE' is not an interface name / n'est pas un nom d'interface" >&2
  exit 2
fi

SUDO=""
if [ "$(id -u)" -ne 0 ] && [ "$DRY" -eq 0 ]; then SUDO="sudo"; fi

run() {
  echo "+ $*"
  if [ "$DRY" -eq 0 ]; then $SUDO "$@"; fi
}

exists() { [ -e "/sys/class/net/$IFACE" ]; }

case "$MODE" in
  down)
    if [ "$DRY" -eq 0 ] && ! exists; then echo "$IFACE: absent"; exit 0; fi
    run ip link set "$IFACE" down
    # A virtual interface is removed; a real one stays, down, for its driver.
    is_vcan=0
    if [ "$DRY" -eq 1 ]; then
      case "$IFACE" in vcan*) is_vcan=1 ;; esac
    elif ip -details link show "$IFACE" 2>/dev/null | grep -qE '^[[:space:]]+vcan([[:space:]]|$)'; then
      is_vcan=1
    fi
    if [ "$is_vcan" -eq 1 ]; then run ip link delete "$IFACE"; fi
    ;;

  vcan)
    if [ "$DRY" -eq 1 ] || ! exists; then
      if [ "$DRY" -eq 1 ] || ! grep -qw vcan /proc/modules 2>/dev/null; then
        run modprobe vcan || echo "modprobe vcan failed: the kernel may have vcan built in, or not at all" >&2
      fi
      run ip link add dev "$IFACE" type vcan
    fi
    # MTU 72 = struct canfd_frame: lets the virtual bus carry 64-byte CAN FD frames.
    if [ "$FD" -eq 1 ]; then run ip link set "$IFACE" mtu 72; fi
    run ip link set "$IFACE" txqueuelen "$TXQUEUELEN"
    run ip link set up "$IFACE"
    ;;

  real)
    if [ -z "$BITRATE" ]; then
      echo "can-up.sh: a real interface needs a bitrate, e.g. 500000 / il faut un débit, p. ex. 500000" >&2
      exit 2
    fi
    if ! [[ "$BITRATE" =~ ^[0-9]+$ ]] || [ "$BITRATE" -lt 10000 ] || [ "$BITRATE" -gt 1000000 ]; then
      echo "can-up.sh: bitrate $BITRATE outside 10000..1000000 bit/s" >&2
      exit 2
    fi
    if [ "$FD" -eq 1 ] && [ -z "$DBITRATE" ]; then DBITRATE=2000000; fi
    if [ "$DRY" -eq 0 ] && ! exists; then
      echo "can-up.sh: no interface $IFACE. Is the adapter plugged in and its driver loaded?" >&2
      echo "  check / vérifier : dmesg | grep -iE 'can|gs_usb|peak|mcp251' ; ip -brief link" >&2
      exit 1
    fi
    # Bitrate can only be changed while the interface is down.
    run ip link set "$IFACE" down
    args=(type can bitrate "$BITRATE" restart-ms "$RESTART_MS")
    if [ "$FD" -eq 1 ]; then args+=(dbitrate "$DBITRATE" fd on); fi
    if [ "$LISTEN" -eq 1 ]; then args+=(listen-only on); else args+=(listen-only off); fi
    run ip link set "$IFACE" "${args[@]}"
    run ip link set "$IFACE" txqueuelen "$TXQUEUELEN"
    run ip link set "$IFACE" up
    ;;
esac

if [ "$DRY" -eq 0 ] && [ "$MODE" != down ]; then
  ip -details -statistics link show "$IFACE"
fi
