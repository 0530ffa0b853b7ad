// Module resolution hooks (node:module `register`): a script's bare `k6/…` imports resolve to this runner's
// implementation, so the file real k6 runs is the file the runner runs, unchanged.

const MODULES: Readonly<Record<string, string>> = {
  k6: 'k6.js',
  'k6/http': 'http.js',
  'k6/metrics': 'metrics.js',
  'k6/timers': 'timers.js',
  'k6/websockets': 'websockets.js',
  // The module's name before it left k6's experimental namespace; the API is the same.
  'k6/experimental/websockets': 'websockets.js',
};

interface ResolveResult {
  url: string;
  shortCircuit?: boolean;
}

type NextResolve = (specifier: string, context: unknown) => Promise<ResolveResult>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<ResolveResult> {
  const file = MODULES[specifier];
  if (file !== undefined) return { url: new URL(`../k6-api/${file}`, import.meta.url).href, shortCircuit: true };
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    throw new Error(`${specifier} is not implemented by this runner; it has ${Object.keys(MODULES).join(', ')}`);
  }
  return next(specifier, context);
}
