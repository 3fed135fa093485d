#!/usr/bin/env bash
# Binds a Bluetooth (classic, SPP) ELM327 adapter to /dev/rfcommN so that Atelier opens it like a
# serial port: `atelier obd read --adapter elm327:/dev/rfcomm0`.
#
#   sudo hardware/elm327/rfcomm-bind.sh AA:BB:CC:DD:EE:FF [N=0] [CHANNEL=1]
#
# Pair the adapter first (PIN 1234 or 0000 on most clones):
#   bluetoothctl -- power on; bluetoothctl -- scan on; bluetoothctl -- pair AA:BB:CC:DD:EE:FF; bluetoothctl -- trust AA:BB:CC:DD:EE:FF
# Bluetooth Low Energy adapters (OBDLink CX, Vgate iCar Pro BLE) have no SPP channel and cannot be bound.
set -euo pipefail
mac="${1:?usage: rfcomm-bind.sh MAC [N] [CHANNEL]}"
n="${2:-0}"
channel="${3:-1}"
if ! [[ "$mac" =~ ^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$ ]]; then
  echo "rfcomm-bind: '$mac' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)" >&2
  exit 2
fi
command -v rfcomm >/dev/null || { echo "rfcomm-bind: rfcomm not found (apt-get install bluez)" >&2; exit 1; }
# A stale binding from an earlier session would keep the old channel.
rfcomm release "$n" 2>/dev/null || true
rfcomm bind "$n" "$mac" "$channel"
echo "/dev/rfcomm$n"
