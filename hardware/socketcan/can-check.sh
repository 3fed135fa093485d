#!/usr/bin/env bash
# Reports what the system knows about a CAN interface, then listens to it for a few seconds.
# Montre ce que le système sait d'une interface CAN, puis l'écoute quelques secondes.
#
#   can-check.sh can0          driver, state, bitrate, error counters, kernel messages, traffic
#   can-check.sh can0 10       listen for 10 s instead of 3
set -uo pipefail

IFACE="${1:-}"
SECONDS_TO_LISTEN="${2:-3}"
if [ -z "$IFACE" ] || [ "$IFACE" = -h ] || [ "$IFACE" = --help ]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

section() { printf '\n== %s ==\n' "$1"; }

kernel_messages() {
  local log
  if ! log="$(dmesg 2>/dev/null)"; then
    echo "(dmesg not readable: run as root / dmesg illisible : lancer en root)"
    return
  fi
  printf '%s\n' "$log" | grep -iE "$1" | tail -n 20 || echo "(nothing / rien)"
}

section "interface / interface"
if [ ! -e "/sys/class/net/$IFACE" ]; then
  echo "$IFACE: absent. Interfaces present / présentes :"
  ip -brief link
  section "kernel messages / messages du noyau"
  kernel_messages 'can[0-9]|gs_usb|peak|pcan|mcp251|slcan|kvaser'
  exit 1
fi
ip -details -statistics link show "$IFACE"

section "driver / pilote"
driver="$(basename "$(readlink -f "/sys/class/net/$IFACE/device/driver" 2>/dev/null)" 2>/dev/null)"
echo "driver: ${driver:-none (virtual interface / interface virtuelle)}"
if command -v lsusb >/dev/null 2>&1; then
  # 1d50:606f candleLight/CANable (gs_usb), 0c72:* PEAK, 0bfd:* Kvaser.
  lsusb 2>/dev/null | grep -iE '1d50:606f|0c72:|0bfd:|16d0:117e' || echo "no known USB CAN adapter on the USB bus"
fi

section "kernel messages / messages du noyau"
kernel_messages "$IFACE:|gs_usb|peak|pcan|mcp251|slcan|kvaser"

state="$(ip -details link show "$IFACE" | grep -oE 'state [A-Z-]+' | tail -n 1)"
case "$state" in
  *BUS-OFF*) echo "WARNING: $state — wrong bitrate, missing termination or wiring fault / mauvais débit, terminaison ou câblage" ;;
  *ERROR-PASSIVE*) echo "WARNING: $state — many errors: check bitrate and wiring / beaucoup d'erreurs : vérifier débit et câblage" ;;
esac

section "traffic for ${SECONDS_TO_LISTEN}s / trafic pendant ${SECONDS_TO_LISTEN} s"
if command -v candump >/dev/null 2>&1; then
  # -e shows error frames decoded; -x extra flags (direction, FD flags).
  timeout "$SECONDS_TO_LISTEN" candump -e -x -ta "$IFACE" | head -n 20
  count="$(timeout "$SECONDS_TO_LISTEN" candump "$IFACE" 2>/dev/null | wc -l)"
  echo "$count frames in ${SECONDS_TO_LISTEN}s / trames"
else
  echo "candump missing: apt-get install can-utils"
fi
