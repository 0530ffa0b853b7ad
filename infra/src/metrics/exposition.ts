/**
 * The names of the samples in a Prometheus text exposition: what a scrape stores as series, so a histogram
 * contributes its `_bucket`, `_sum` and `_count` and a labelled metric that has no series yet contributes nothing
 * (a query of it would find nothing either), which the `# TYPE` lines alone would not tell.
 */
export function sampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (name) names.add(name);
  }
  return names;
}
