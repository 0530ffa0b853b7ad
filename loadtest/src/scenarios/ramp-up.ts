// Players arriving steadily up to VUS (500), held for a while, then leaving: where does latency start to climb?
import type { Options } from 'k6/options';
import { baseThresholds, countFromEnv, durationFromEnv, playMatch, sessionSettings } from '../k6/packetflow.js';

const vus = countFromEnv('VUS', 500);

export const options: Options = {
  stages: [
    { duration: durationFromEnv('RAMP', '2m'), target: vus },
    { duration: durationFromEnv('HOLD', '1m'), target: vus },
    { duration: '20s', target: 0 },
  ],
  thresholds: baseThresholds(),
};

const settings = sessionSettings({ sessionSeconds: 90 });

export default function (): Promise<void> {
  return playMatch(settings);
}
