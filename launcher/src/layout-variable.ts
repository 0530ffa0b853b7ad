// PACKETFLOW_LAYOUT: how `npm start` lays the services out in processes (see LAYOUTS), checked before any starts.
import { z } from 'zod';
import { LAYOUTS, type Layout } from './services.js';

const layoutSchema = z.enum(Object.keys(LAYOUTS) as [Layout, ...Layout[]], {
  error: (issue) => `must be one of ${Object.keys(LAYOUTS).join(', ')}, got ${JSON.stringify(issue.input)}`,
});

/** The layout PACKETFLOW_LAYOUT names (`separate` when unset or empty), or the line saying what is wrong with it. */
export function readLayout(
  env: Readonly<Record<string, string | undefined>>,
): { readonly ok: true; readonly layout: Layout } | { readonly ok: false; readonly problem: string } {
  const value = env.PACKETFLOW_LAYOUT;
  if (value === undefined || value === '') return { ok: true, layout: 'separate' };
  const result = layoutSchema.safeParse(value);
  if (result.success) return { ok: true, layout: result.data };
  return { ok: false, problem: `PACKETFLOW_LAYOUT ${result.error.issues.map((issue) => issue.message).join(', ')}` };
}
