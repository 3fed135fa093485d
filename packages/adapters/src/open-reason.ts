import type { LinkReason } from '@atelier/obd';

/**
 * A CAN interface that would not open (an SLCAN adapter, a SocketCAN interface), as the reason of
 * the registry's LinkError. The English is what it always was (`ADDRESS: the bus's message`); the
 * French is the bus error's own French when it has one (it names the adapter already), else the
 * English words kept after the address.
 */
export function busOpenReason(address: string, err: Error): LinkReason {
  const fr =
    typeof (err as { messageIn?: unknown }).messageIn === 'function'
      ? (err as Error & { messageIn(lang: 'fr'): string }).messageIn('fr')
      : `${address} : « ${err.message} »`;
  return { code: 'bus-open', values: { address }, text: { en: `${address}: ${err.message}`, fr } };
}
