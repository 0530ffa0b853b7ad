/**
 * Node ids, roles and cluster names: safe in Redis keys and log lines, and free of the separators that
 * PACKETFLOW_PEERS and PACKETFLOW_ROLES use (`,` `=` `/` `+`).
 */
const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

export const NAME_RULE = '1–128 letters, digits or _ . : -';

export function isName(value: string): boolean {
  return NAME.test(value);
}
