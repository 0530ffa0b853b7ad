/** PACKETFLOW_TICK_RATE: ticks per second for every match on the host, 30 unless set; throws on a bad value. */
export function tickRateFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.PACKETFLOW_TICK_RATE;
  if (raw === undefined || raw === '') return 30;
  const rate = Number(raw);
  if (!(rate >= 1 && rate <= 1000)) {
    throw new Error(`PACKETFLOW_TICK_RATE: expected a number of ticks per second in [1, 1000], got "${raw}"`);
  }
  return rate;
}
