// The monitoring configuration as the Compose file will mount it: Prometheus' scrape jobs, Grafana's provisioning
// and the dashboard, checked as files (the live test checks the metrics they query against the services).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LAYOUTS } from '@packetflow/launcher';
import { parse } from 'yaml';
import { type Dashboard, dashboardProblems } from '../src/dashboard/dashboard.js';
import { metricsOf } from '../src/dashboard/promql-metrics.js';
import { infraFile } from '../src/paths.js';

const readYaml = (relative: string): unknown => parse(readFileSync(infraFile(relative), 'utf8'));
const readJson = (relative: string): unknown => JSON.parse(readFileSync(infraFile(relative), 'utf8'));

/** The Compose services that run PacketFlow, named as `npm start` names them (gateway, game-logic, …). */
const SERVICES = LAYOUTS.separate.map((spec) => spec.name);

interface ScrapeJob {
  job_name: string;
  scrape_interval?: string;
  metrics_path?: string;
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  relabel_configs?: { source_labels?: string[]; target_label: string; replacement: string }[];
}

/** What a job scrapes, as `host:port/path`, and the `service` label it gives its series. */
function scraped(job: ScrapeJob): { targets: string[]; service: string | undefined } {
  const path = job.metrics_path ?? '/metrics';
  const targets = [
    ...(job.dns_sd_configs ?? []).flatMap((sd) => {
      assert.equal(sd.type, 'A', `${job.job_name}: Compose's DNS answers A records`);
      return sd.names.map((name) => `${name}:${sd.port}${path}`);
    }),
    ...(job.static_configs ?? []).flatMap((config) => config.targets.map((target) => `${target}${path}`)),
  ];
  const relabelled = job.relabel_configs?.find((r) => r.target_label === 'service' && !r.source_labels);
  const labels = new Set(job.static_configs?.map((config) => config.labels?.service));
  return { targets, service: relabelled?.replacement ?? (labels.size === 1 ? [...labels][0] : undefined) };
}

describe('prometheus/prometheus.yml', () => {
  const config = readYaml('prometheus/prometheus.yml') as {
    global: { scrape_interval: string };
    scrape_configs: ScrapeJob[];
  };

  it('scrapes every 5 s', () => {
    assert.equal(config.global.scrape_interval, '5s');
    for (const job of config.scrape_configs) assert.equal(job.scrape_interval, undefined, job.job_name);
  });

  it('has a job per PacketFlow service scraping <service>:9464/metrics, with that service as its service label', () => {
    assert.deepEqual(SERVICES.toSorted(), ['game-logic', 'gateway', 'physics', 'player-store']);
    for (const service of SERVICES) {
      const job = config.scrape_configs.find((j) => j.job_name === service);
      assert.ok(job, `a job for ${service}`);
      assert.deepEqual(scraped(job), { targets: [`${service}:9464/metrics`], service });
    }
    assert.equal(config.scrape_configs.length, SERVICES.length, 'no job for anything else');
  });
});

describe('grafana provisioning', () => {
  const datasources = readYaml('grafana/provisioning/datasources/prometheus.yml') as {
    datasources: { uid: string; type: string; url: string }[];
  };
  const providers = readYaml('grafana/provisioning/dashboards/packetflow.yml') as {
    providers: { type: string; options: { path: string } }[];
  };
  const dashboard = readJson('grafana/dashboards/packetflow.json') as Dashboard;

  it('provisions Prometheus at http://prometheus:9090 and a file provider for the dashboards', () => {
    assert.equal(datasources.datasources.length, 1);
    assert.equal(datasources.datasources[0]!.type, 'prometheus');
    assert.equal(datasources.datasources[0]!.url, 'http://prometheus:9090');
    assert.equal(providers.providers.length, 1);
    assert.equal(providers.providers[0]!.type, 'file');
    assert.ok(providers.providers[0]!.options.path);
  });

  it('has a dashboard Grafana can load: title, uid, schemaVersion, unique panel ids, a datasource and a query per panel', () => {
    assert.deepEqual(dashboardProblems(dashboard), []);
  });

  it('points every panel and query at the provisioned Prometheus', () => {
    const { uid, type } = datasources.datasources[0]!;
    for (const panel of dashboard.panels) {
      assert.deepEqual(panel.datasource, { type, uid }, panel.title);
      for (const target of panel.targets) {
        assert.deepEqual(target.datasource ?? panel.datasource, { type, uid }, panel.title);
      }
    }
  });

  it('queries in valid PromQL that names every metric it uses', () => {
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) assert.ok(metricsOf(expr).length > 0, `${panel.title}: ${expr}`);
    }
  });

  it('has the panels issue 12 asks for', () => {
    const metrics = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap(({ expr }) => metricsOf(expr))));
    for (const metric of [
      'packetflow_gateway_clients_connected',
      'packetflow_matches_active',
      'packetflow_match_tick_lateness_seconds_bucket',
      'packetflow_gateway_input_to_snapshot_seconds_bucket',
      'packetflow_gateway_snapshots_sent_total',
      'packetflow_gateway_sent_bytes_total',
      'packetflow_cluster_sent_bytes_total',
      'packetflow_ask_duration_seconds_bucket',
      'packetflow_actor_restarts_total',
      'process_start_time_seconds',
      'packetflow_cluster_members',
    ]) {
      assert.ok(metrics.has(metric), `a panel queries ${metric}`);
    }
  });
});

describe('dashboardProblems', () => {
  it('names what a broken dashboard lacks', () => {
    const panel = { id: 1, title: 'A', type: 'stat', datasource: { type: 'prometheus', uid: 'p' } };
    assert.deepEqual(
      dashboardProblems({
        title: 'T',
        schemaVersion: 39,
        panels: [
          { ...panel, targets: [{ refId: 'A', expr: 'up' }] },
          { ...panel, title: 'B', targets: [{ refId: 'A' }] },
          { ...panel, id: 3, title: 'C', datasource: undefined, targets: [] },
        ],
      }),
      [
        'no uid',
        'panel "B": id 1 used twice',
        'panel "B": targets[0] has no expr',
        'panel "C": no datasource with a type and uid',
        'panel "C": no targets',
      ],
    );
    assert.deepEqual(dashboardProblems([]), ['not a JSON object']);
  });
});
