// The k6 API this runner implements, on small scripts, against what k6 documents: per-VU runtimes and __VU/__ITER,
// check and the checks rate, custom metrics and sub-metric thresholds, sleep suspending one VU only, timers,
// http.asyncRequest, the end-of-test summary and k6's exit codes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, writeScript } from './run-cli.js';

describe('k6 API under the runner', () => {
  let url = '';
  /** Requests to /started, from scripts that tell the test where they are. */
  let started = 0;
  let onStarted: () => void = () => {};
  const server = createServer((req, res) => {
    if (req.url === '/started') {
      started++;
      onStarted();
      res.end('ok');
    } else if (req.url === '/json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null }));
    } else {
      res.statusCode = 404;
      res.end('nothing here');
    }
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives each VU its own script instance, __VU and __ITER, and reports checks and sub-metrics', async () => {
    const script = writeScript(`
      import { check, sleep } from 'k6';
      import { Counter } from 'k6/metrics';
      const seen = new Counter('seen');
      let mine = 0;
      export const options = {
        scenarios: { a: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } },
        thresholds: { seen: ['count==6'], 'seen{vu:2}': ['count==2'], checks: ['rate==1'], iterations: ['count==6'] },
      };
      export default function () {
        mine++;
        seen.add(1, { vu: String(__VU) });
        check(__ITER, { 'iteration counts per VU': (i) => i === mine - 1, 'VU ids from 1': () => __VU >= 1 && __VU <= 3 });
        sleep(0.1);
      }
    `);
    const result = await runCli(script);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /█ THRESHOLDS/);
    assert.match(result.stdout, /✓ 'count==6' count=6/);
    assert.match(result.stdout, /\{vu:2\}\n\s+✓ 'count==2' count=2/);
    assert.match(result.stdout, /✓ iteration counts per VU/);
    assert.match(result.stdout, /checks_succeeded\.+: 100\.00% 12 out of 12/);
    assert.match(result.stdout, /iterations\.+: 6 /);
  });

  it('exits with 99 and marks the threshold when one fails', async () => {
    const script = writeScript(`
      import { Trend } from 'k6/metrics';
      const t = new Trend('t', true);
      export const options = { iterations: 1, thresholds: { t: ['avg<1', 'max<10'] } };
      export default function () { t.add(5); }
    `);
    const result = await runCli(script);
    assert.equal(result.code, 99);
    assert.match(result.stdout, /✗ 'avg<1' avg=5ms/);
    assert.match(result.stdout, /✓ 'max<10' max=5ms/);
    assert.match(result.stderr, /thresholds on metrics have been crossed/);
  });

  it('suspends only the sleeping VU: another VU on the same thread keeps its timers on time', async () => {
    const script = writeScript(`
      import { sleep } from 'k6';
      import { setTimeout } from 'k6/timers';
      import { Trend } from 'k6/metrics';
      const delay = new Trend('timer_delay', true);
      export const options = {
        scenarios: {
          sleepy: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'sleepy' },
          timed: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'timed' },
        },
        // The sleep really slept (a wait of 1.5 s ends a few ms early or late by the clock that times iterations).
        thresholds: { timer_delay: ['max<600'], 'iteration_duration{scenario:sleepy}': ['min>=1400'] },
      };
      export function sleepy() { sleep(1.5); }
      export async function timed() {
        const asked = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 100));
        delay.add(Date.now() - asked);
      }
    `);
    const result = await runCli(script, ['--workers', '1']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('sends requests with http.asyncRequest and reports k6’s response and http metrics', async () => {
    const script = writeScript(`
      import http from 'k6/http';
      import { check } from 'k6';
      export const options = {
        iterations: 1,
        thresholds: { http_req_failed: ['rate==0.5'], 'http_reqs{status:404}': ['count==1'], checks: ['rate==1'] },
      };
      export default async function () {
        const ok = await http.asyncRequest('POST', __ENV.URL + '/json', JSON.stringify({}), { headers: { Authorization: 'Bearer t' } });
        const missing = await http.asyncRequest('GET', __ENV.URL + '/missing');
        check(ok, {
          'status 200': (r) => r.status === 200,
          'json body': (r) => r.json().method === 'POST' && r.json().auth === 'Bearer t',
          'canonical headers': (r) => r.headers['Content-Type'] === 'application/json',
          'timings': (r) => r.timings.duration >= r.timings.waiting && r.timings.waiting >= 0,
        });
        check(missing, { 'status 404': (r) => r.status === 404 && r.body === 'nothing here' });
        let threw = false;
        try { http.get(__ENV.URL); } catch (e) { threw = /asyncRequest/.test(String(e)); }
        check(threw, { 'blocking http names the asynchronous form': (t) => t });
      }
    `);
    const result = await runCli(script, ['-e', `URL=${url}`]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /http_req_duration\.+: avg=/);
    assert.match(result.stdout, /\{ expected_response:true \}/);
  });

  it('stops at Ctrl-C with 105, interrupting VUs asleep in an iteration and after one', async () => {
    // VU 1 sleeps inside its iteration, VU 2 in the sleep that ends its iteration; both far longer than the test.
    const script = writeScript(`
      import { sleep } from 'k6';
      import http from 'k6/http';
      export const options = { vus: 2, duration: '10m' };
      export default async function () {
        await http.asyncRequest('GET', '${url}/started');
        if (__VU === 1) {
          sleep(600);
          await http.asyncRequest('GET', '${url}/never');
        } else {
          sleep(600);
        }
      }
    `);
    started = 0;
    const bothStarted = new Promise<void>((resolve) => {
      onStarted = () => {
        if (started === 2) setTimeout(resolve, 200);
      };
    });
    const result = await runCli(script, [], 30_000, bothStarted);
    assert.equal(result.code, 105, result.stdout + result.stderr);
    assert.equal(started, 2, 'no VU began another iteration');
    const json = readdirSync(result.reportDir).find((file) => file.endsWith('.json'))!;
    const report = JSON.parse(readFileSync(join(result.reportDir, json), 'utf8')) as { aborted?: string };
    assert.equal(report.aborted, 'signal');
  });

  it('exits with 107 for a script that adds to a metric in its init context', async () => {
    const script = writeScript(`
      import { Counter } from 'k6/metrics';
      new Counter('c').add(1);
      export default function () {}
    `);
    const result = await runCli(script);
    assert.equal(result.code, 107);
    assert.match(result.stderr, /init context/);
  });
});
