// Erlang/OTP's distribution round trip measured on this machine in the same run as PacketFlow's ask, so the target
// the ask is held to moves with the machine: two Erlang nodes on loopback (bench/erlang/rtt.erl), when `erl` and
// `erlc` are installed. Both nodes, and the epmd they start, listen on 127.0.0.1 only.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SOURCE = join(import.meta.dirname, '..', '..', '..', 'erlang', 'rtt.erl');

export interface ErlangRtt {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly otp: string;
}

/** The round trip's p50 and p99, or why it could not be measured (Erlang not installed, a node that did not start). */
export async function erlangRtt(warmup: number, count: number): Promise<ErlangRtt | { readonly missing: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-erlang-'));
  const env = { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' };
  const loopbackOnly = ['-kernel', 'inet_dist_use_interface', '{127,0,0,1}'];
  const cookie = randomBytes(12).toString('hex');
  const suffix = `${process.pid}-${Date.now()}`;
  const echoNode = `pfecho${suffix}@127.0.0.1`;
  let echo: ReturnType<typeof spawn> | undefined;
  try {
    let otp: string;
    try {
      await run('erlc', ['-o', dir, SOURCE], { env });
      const version = await run(
        'erl',
        ['-noshell', '-eval', 'io:format("~s", [erlang:system_info(otp_release)]), halt().'],
        { env },
      );
      otp = version.stdout.trim();
    } catch (error) {
      return { missing: `Erlang/OTP is not installed here (${(error as Error).message.split('\n')[0]})` };
    }
    echo = spawn('erl', ['-name', echoNode, '-setcookie', cookie, '-noshell', '-pa', dir, ...loopbackOnly], {
      env,
      stdio: 'ignore',
    });
    // The timing node connects (retrying while the echo node starts), runs the round trips, and stops both.
    const script =
      `Connect = fun Retry(0) -> false; Retry(N) -> case net_kernel:connect_node('${echoNode}') of true -> true; ` +
      `false -> timer:sleep(100), Retry(N - 1) end end, ` +
      `true = Connect(100), rtt:run('${echoNode}', ${warmup}, ${count}), ` +
      `rpc:call('${echoNode}', init, stop, []), halt().`;
    const timing = await run(
      'erl',
      [
        '-name',
        `pftime${suffix}@127.0.0.1`,
        '-setcookie',
        cookie,
        '-noshell',
        '-pa',
        dir,
        ...loopbackOnly,
        '-eval',
        script,
      ],
      { env, timeout: 120_000 },
    );
    const match = /rtt (\d+) (\d+)/.exec(timing.stdout);
    if (match === null) return { missing: `the Erlang run printed no figures: ${timing.stdout}${timing.stderr}` };
    return { p50Us: Number(match[1]) / 1000, p99Us: Number(match[2]) / 1000, otp };
  } catch (error) {
    return { missing: `the Erlang run failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    echo?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
