// Pass marks shared by the scenarios; each scenario adds or tightens its own.

/**
 * What every run must meet: no errors of any kind, every check passing, players joining and moving, and each
 * player receiving at least MIN_SNAPSHOT_RATE (25, for the gateway's default 30 Hz) snapshots a second on average.
 */
export function baseThresholds(): Record<string, string[]> {
  const floor = Number(__ENV.MIN_SNAPSHOT_RATE || 25);
  return {
    errors: ['count==0'],
    checks: ['rate==1'],
    http_req_failed: ['rate<0.01'],
    join_time: ['p(95)<3000'],
    snapshot_rate: [`avg>${floor}`],
    input_latency: ['p(95)<250', 'p(99)<500'],
  };
}
