/**
 * Which adapters the dashboard offers: the serial ports and CAN interfaces found on the server
 * (listed by @atelier/adapters) and the Wi-Fi ELM327 adapters an admin declared (name, host, port).
 * A session is opened only on one of these — nobody types an address, so the server cannot be
 * pointed at another machine's SSH or database port from a form — and a session made before (or
 * on an adapter since removed) is checked again when it connects. Training scenarios are offered
 * by their assignments, not here. Declared adapters are a site's equipment (issue 20): each site
 * declares and sees its own; the ports found are those of the server the session runs on.
 */
import {
  type CanInterfaceEntry,
  listCanInterfaces,
  listSerialPorts,
  type SerialPortEntry,
} from '@atelier/adapters';
import type { Db } from '../store/store.js';
import { type AdapterChoice, AdapterProblem } from './adapters.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';

/** What this machine has: the serial ports and CAN interfaces found now. */
export interface AdapterDiscovery {
  serialPorts(): SerialPortEntry[];
  canInterfaces(): CanInterfaceEntry[];
}

export const systemDiscovery: AdapterDiscovery = {
  serialPorts: () => listSerialPorts(),
  canInterfaces: () => listCanInterfaces(),
};

export interface TcpAdapter {
  id: number;
  name: string;
  host: string;
  port: number;
  created_at: number;
}

/** A choice in the session form: `value` is what the form sends back. */
export interface AdapterOption {
  value: string;
  kind: 'serial' | 'tcp' | 'socketcan';
  label: string;
  /** What the session stores: the port, HOST:PORT or interface. */
  spec: string;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/** `HOST:PORT` as the session and the registry write it (an IPv6 host in brackets). */
export const tcpSpec = (a: Pick<TcpAdapter, 'host' | 'port'>): string =>
  `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;

export function listTcpAdapters(db: Db, site: number): Promise<TcpAdapter[]> {
  return db.all<TcpAdapter>(
    'SELECT id, name, host, port, created_at FROM tcp_adapters WHERE site_id = ? ORDER BY name',
    [site],
  );
}

/** Declares a Wi-Fi ELM327 (admin only, by the route): a name people recognise, its host and port. */
export async function declareTcpAdapter(
  db: Db,
  site: number,
  input: { name: string; host: string; port: number },
  byUserId: number,
  now: number,
): Promise<TcpAdapter> {
  const name = input.name.trim();
  if (!name || name.length > 80 || /[\p{Cc}\p{Cf}]/u.test(name))
    throw new ValidationError(
      { fr: 'nom : 1 à 80 caractères visibles', en: 'name: 1 to 80 visible characters' },
      'name',
    );
  const host = input.host.trim().replace(/^\[|\]$/g, '');
  if (!HOSTNAME.test(host) && !(host.includes(':') && IPV6.test(host)))
    throw new ValidationError(
      {
        fr: 'hôte : une adresse IP (192.168.0.10) ou un nom (elm327.atelier.local)',
        en: 'host: an IP address (192.168.0.10) or a name (elm327.atelier.local)',
      },
      'host',
    );
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65_535)
    throw new ValidationError({ fr: 'port : de 1 à 65535', en: 'port: 1 to 65535' }, 'port');
  if (await db.get('SELECT id FROM tcp_adapters WHERE name = ? AND site_id = ?', [name, site]))
    throw new ConflictError(
      { fr: `un adaptateur « ${name} » existe déjà`, en: `an adapter '${name}' already exists` },
      'name',
    );
  return (await db.get<TcpAdapter>(
    'INSERT INTO tcp_adapters (site_id, name, host, port, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id, name, host, port, created_at',
    [site, name, host, input.port, byUserId, now],
  ))!;
}

/** Removes a declared adapter; sessions made on it keep their history but can no longer connect. */
export async function removeTcpAdapter(db: Db, site: number, id: number): Promise<void> {
  const r = await db.run('DELETE FROM tcp_adapters WHERE id = ? AND site_id = ?', [id, site]);
  if (!r.changes) throw new NotFoundError({ fr: 'Adaptateur', en: 'Adapter' }, id);
}

/** Every adapter a session may be opened on now, in the form's order: serial, Wi-Fi, CAN. */
export async function adapterOptions(
  db: Db,
  site: number,
  found: AdapterDiscovery,
): Promise<AdapterOption[]> {
  return [
    ...found.serialPorts().map((p) => ({
      value: `serial:${p.path}`,
      kind: 'serial' as const,
      label: p.label === p.path ? p.path : `${p.label} (${p.path})`,
      spec: p.path,
    })),
    ...(await listTcpAdapters(db, site)).map((a) => ({
      value: `tcp:${a.id}`,
      kind: 'tcp' as const,
      label: `${a.name} (${tcpSpec(a)})`,
      spec: tcpSpec(a),
    })),
    ...found.canInterfaces().map((c) => ({
      value: `socketcan:${c.name}`,
      kind: 'socketcan' as const,
      label: c.name,
      spec: c.name,
    })),
  ];
}

/** The form's choice, if it is one of the options offered now; anything else is a 400. */
export async function chooseAdapter(
  db: Db,
  site: number,
  value: string,
  found: AdapterDiscovery,
): Promise<AdapterChoice> {
  const option = (await adapterOptions(db, site, found)).find((o) => o.value === value);
  if (!option)
    throw new ValidationError(
      {
        fr: 'adaptateur inconnu : choisissez-en un dans la liste (ports série trouvés, adaptateurs Wi-Fi déclarés par l’administrateur)',
        en: 'unknown adapter: choose one from the list (serial ports found, Wi-Fi adapters declared by the administrator)',
      },
      'adapter',
    );
  return { kind: option.kind, spec: option.spec };
}

/**
 * Whether a stored choice is still offered (checked when a session connects, so that a session made
 * before this rule, or on an adapter since removed or unplugged, opens nothing). Scenarios are
 * always offered: their assignment made them.
 */
export async function ensureOffered(
  db: Db,
  site: number,
  choice: AdapterChoice,
  found: AdapterDiscovery,
): Promise<void> {
  if (choice.kind === 'scenario') return;
  const offered = (await adapterOptions(db, site, found)).some(
    (o) => o.kind === choice.kind && o.spec === choice.spec,
  );
  if (offered) return;
  const where = `${choice.kind}:${choice.spec}`;
  // A serial port or CAN interface of the right shape that is not there now is unplugged: say so.
  const device =
    (choice.kind === 'serial' && /\/(ttyUSB|ttyACM|rfcomm)\d+$/.test(choice.spec)) ||
    (choice.kind === 'socketcan' && /^[A-Za-z0-9_.-]{1,15}$/.test(choice.spec));
  throw new AdapterProblem(
    device ? 'unreachable' : 'not-configured',
    where,
    'not offered by this workshop now',
  );
}
