import type { AttributeValue, Dbc } from './model.js';

/**
 * An attribute of a node, message or signal (or of the network when `owner` is the Dbc itself): the
 * value BA_ gave it, else the BA_DEF_DEF_ default, else undefined. `attribute(dbc, message,
 * 'GenMsgCycleTime')` is the usual way to get a message's period.
 */
export function attribute(
  dbc: Dbc,
  owner: { attributes: Record<string, AttributeValue> },
  name: string,
): AttributeValue | undefined {
  const own = owner.attributes[name];
  if (own !== undefined) return own;
  return dbc.attributeDefinitions.get(name)?.default;
}
