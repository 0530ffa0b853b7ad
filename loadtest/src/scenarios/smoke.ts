// CI's check that the whole backend serves players: 50 virtual users for 20 seconds, two short sessions each.
import type { Options } from 'k6/options';
import { baseThresholds, playMatch, sessionSettings } from '../k6/packetflow.js';

export const options: Options = {
  vus: 50,
  duration: '20s',
  thresholds: { ...baseThresholds(), iterations: ['count>=50'] },
};

const settings = sessionSettings({ sessionSeconds: 9 });

export default function (): Promise<void> {
  return playMatch(settings);
}
