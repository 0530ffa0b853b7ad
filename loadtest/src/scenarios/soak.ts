// Many players for a long time (VUS, 2000, for DURATION, 5m, after a 2-minute ramp), each staying SESSION_SECONDS
// (120) in a match and sending INPUT_RATE (3) inputs a second, then pausing about THINK_SECONDS (1) as a player in
// the menus would: memory, latency and errors must hold still.
import type { Options } from 'k6/options';
import { baseThresholds, countFromEnv, durationFromEnv, playMatch, sessionSettings } from '../k6/packetflow.js';

const vus = countFromEnv('VUS', 2000);

export const options: Options = {
  stages: [
    { duration: durationFromEnv('RAMP', '2m'), target: vus },
    { duration: durationFromEnv('DURATION', '5m'), target: vus },
    { duration: '30s', target: 0 },
  ],
  thresholds: { ...baseThresholds(), input_latency: ['p(95)<500', 'p(99)<1000'] },
};

const settings = sessionSettings({ inputRate: 3, sessionSeconds: 120 });

export default function (): Promise<void> {
  return playMatch(settings);
}
