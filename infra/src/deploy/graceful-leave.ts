/**
 * How long a PacketFlow process may take to stop gracefully after SIGTERM, which a stop grace period (Compose's
 * `stop_grace_period`, Kubernetes' `terminationGracePeriodSeconds` less the preStop pause) must cover, or the
 * process is killed mid-leave and what it held is lost.
 *
 * A node deregisters, drains its mailboxes for up to 10 s (`Cluster.leave`'s default `drainTimeoutMs`), flushes
 * and closes its links: 30 s leaves room for the deregistration and the flush. A gateway first closes its clients;
 * each leaving player's leave and then stats write may be asked again for up to 30 s (`retryUntilAnswered`'s
 * `giveUpAfterMs`) plus the 5 s service timeout of the last ask while a service restarts; then its node leaves:
 * 2 × 35 + 10 s, rounded up.
 */
export const GRACEFUL_STOP_SECONDS = { node: 30, gateway: 90 } as const;

/** The bound for a PacketFlow service by its PACKETFLOW_SERVICE. */
export const gracefulStopSeconds = (service: string): number =>
  service === 'gateway' ? GRACEFUL_STOP_SECONDS.gateway : GRACEFUL_STOP_SECONDS.node;

/** A Compose duration (`1m30s`, `90s`, `500ms`) in seconds; undefined when it is not one. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, amount, , name] of value.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * unit[name!]!;
  }
  return total;
}
