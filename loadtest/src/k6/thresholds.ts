// Pass marks shared by the scenarios; each scenario adds or tightens its own.

/**
 * What every run must meet: no errors of any kind, every check passing, players joining and moving, and each
 * player receiving at least MIN_SNAPSHOT_RATE (25, for the gateway's default 30 Hz) snapshots a second on average;
 * joins within JOIN_P95_MS (3000) and inputs acknowledged within INPUT_P95_MS / INPUT_P99_MS (250 / 500) ms.
 */
export function baseThresholds(): Record<string, string[]> {
  const number = (name: string, fallback: number) => Number(__ENV[name] || fallback);
  return {
    errors: ['count==0'],
    checks: ['rate==1'],
    http_req_failed: ['rate<0.01'],
    join_time: [`p(95)<${number('JOIN_P95_MS', 3000)}`],
    snapshot_rate: [`avg>${number('MIN_SNAPSHOT_RATE', 25)}`],
    input_latency: [`p(95)<${number('INPUT_P95_MS', 250)}`, `p(99)<${number('INPUT_P99_MS', 500)}`],
  };
}
