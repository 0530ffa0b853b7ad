// A quiet BASE_VUS (100), then a sudden crowd of VUS (1000) within ten seconds, then quiet again: do joins and
// latency recover once the crowd has gone?
import type { Options } from 'k6/options';
import { baseThresholds, countFromEnv, playMatch, sessionSettings } from '../k6/packetflow.js';

const base = countFromEnv('BASE_VUS', 100);
const peak = countFromEnv('VUS', 1000);

export const options: Options = {
  stages: [
    { duration: '20s', target: base },
    { duration: '30s', target: base },
    { duration: '10s', target: peak },
    { duration: '40s', target: peak },
    { duration: '10s', target: base },
    { duration: '40s', target: base },
    { duration: '10s', target: 0 },
  ],
  thresholds: { ...baseThresholds(), join_time: ['p(95)<10000'], input_latency: ['p(95)<1000'] },
};

const settings = sessionSettings({ inputRate: 5, sessionSeconds: 45 });

export default function (): Promise<void> {
  return playMatch(settings);
}
