import { parser } from '@prometheus-io/lezer-promql';

/**
 * The metric names a PromQL expression selects, in order of first use, read from Prometheus' own grammar (the
 * parser its web UI uses) rather than a tokenizer of ours, so function names, aggregation keywords, grouping and
 * matcher labels and strings are never taken for metrics. Throws on a syntax error, and on a selector that names
 * its metric only through a matcher (`{__name__="x"}`, `{"x"}`): both would hide a metric from the check that
 * every metric a dashboard queries is one the services export.
 */
export function metricsOf(expr: string): string[] {
  const names = new Set<string>();
  const problems: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        problems.push(`syntax error at ${node.from}`);
        return false;
      }
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (name) names.add(expr.slice(name.from, name.to));
      else problems.push(`selector ${expr.slice(node.from, node.to)} does not name its metric`);
    },
  });
  if (problems.length > 0) throw new SyntaxError(`${expr}: ${problems.join('; ')}`);
  return [...names];
}
