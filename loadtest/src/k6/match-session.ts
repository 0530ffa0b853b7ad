// One virtual user's iteration: a guest token, a seat in a match, the match's room over WebSocket for a session of
// numbered inputs and snapshots, a consented leave, a pause. The Colyseus exchange is the SDK's, byte for byte.

import { ClientMessage, MATCH_ROOM } from '@packetflow/protocol';
import { check, sleep } from 'k6';
import http from 'k6/http';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import {
  type GatewaySettings,
  httpUrl,
  matchmakeHeaders,
  matchmakeUrl,
  parseGateway,
  parseSeatReservation,
  roomUrl,
  type SeatReservation,
} from '../colyseus/endpoint.js';
import {
  bytesMessage,
  ColyseusCloseCode,
  decodeServerFrame,
  joinAcknowledgement,
  leaveRequest,
} from '../colyseus/framing.js';
import { type InputSample, type JoinInfo, MatchCodec, type SnapshotReading } from '../game/match-codec.js';
import { countError, inputLatency, inputs, joinTime, snapshotRate, snapshots } from './game-metrics.js';
import type { SessionSettings } from './settings.js';

/**
 * What happens in a session, for a script that needs more than the metrics (the chaos run's bots time every
 * snapshot). The scenarios pass none.
 */
export interface SessionObserver {
  /** The gateway's `joined`. */
  joined(info: JoinInfo): void;
  snapshot(reading: SnapshotReading): void;
  inputSent(sequence: number): void;
  /** The room's socket closed; `consented` when the bot had asked to leave and the close was a normal one. */
  closed(code: number | 'none', consented: boolean): void;
}

/** Inputs remembered for latency: more than a second of backlog at any rate the gateway accepts. */
const SENT_RING = 1024;
/** How long a consented leave may take before the bot closes the socket itself. */
const LEAVE_GRACE_MS = 5000;

/** k6 sends ArrayBuffers on every version; a view is sent as the exact bytes it covers. */
function arrayBuffer(view: Uint8Array): ArrayBuffer {
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  return (whole ? view.buffer : view.slice().buffer) as ArrayBuffer;
}

async function guestToken(gateway: GatewaySettings): Promise<string | undefined> {
  const res = await http.asyncRequest('POST', httpUrl(gateway, '/auth/guest'), null, {
    tags: { name: 'POST /auth/guest' },
  });
  const body = res.status === 200 ? (res.json() as { token?: unknown } | null) : null;
  const token = typeof body?.token === 'string' ? body.token : undefined;
  if (!check(res, { 'guest token issued': () => token !== undefined })) countError('token', res.status);
  return token;
}

async function reserveSeat(
  gateway: GatewaySettings,
  token: string,
  name: string,
): Promise<SeatReservation | undefined> {
  const res = await http.asyncRequest(
    'POST',
    matchmakeUrl(gateway, 'joinOrCreate', MATCH_ROOM),
    JSON.stringify({ name }),
    {
      headers: matchmakeHeaders(token),
      tags: { name: `POST /matchmake/joinOrCreate/${MATCH_ROOM}` },
    },
  );
  let seat: SeatReservation | undefined;
  if (res.status === 200) {
    try {
      seat = parseSeatReservation(res.json());
    } catch {
      seat = undefined;
    }
  }
  if (!check(res, { 'seat reserved': () => seat !== undefined })) countError('matchmake', res.status);
  return seat;
}

/** Where the bot steers: around a circle, one turn every few seconds, so that it keeps moving and touching others. */
function sample(sequence: number, rate: number): InputSample {
  const angle = (sequence / rate) * 1.3;
  return { move: { x: Math.cos(angle), y: Math.sin(angle) }, clientTick: sequence };
}

/** The room's WebSocket for one session; resolves once the socket has closed. */
function playRoom(
  url: string,
  askedAt: number,
  settings: SessionSettings,
  observer: SessionObserver | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    const codec = new MatchCodec();
    const sentAt = new Array<number>(SENT_RING).fill(0);
    let sequence = 0;
    let acked = 0;
    let joined = false;
    let leaving = false;
    let inSecond = 0;
    // Timer ids; 0 is none, which clearing ignores.
    const timers = { input: 0, second: 0, leave: 0, joinTimeout: 0, leaveGrace: 0 };

    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    const send = (frame: Uint8Array) => ws.send(arrayBuffer(frame));
    const stop = () => {
      clearInterval(timers.input);
      clearInterval(timers.second);
      clearTimeout(timers.leave);
      clearTimeout(timers.joinTimeout);
      clearTimeout(timers.leaveGrace);
    };
    const leave = () => {
      if (leaving) return;
      leaving = true;
      clearInterval(timers.input);
      clearInterval(timers.second);
      send(leaveRequest());
      timers.leaveGrace = setTimeout(() => ws.close(), LEAVE_GRACE_MS);
    };
    timers.joinTimeout = setTimeout(() => {
      countError('join', 'timeout');
      leaving = true;
      ws.close();
    }, settings.joinTimeoutSeconds * 1000);

    const onJoined = (body: Uint8Array) => {
      const decoded = codec.decodeJoined(body);
      if (!check(decoded, { 'joined the match': (d) => d.ok })) {
        countError('table', 'JoinAccepted');
        return;
      }
      if (joined || !decoded.ok) return;
      joined = true;
      observer?.joined(decoded.value);
      clearTimeout(timers.joinTimeout);
      joinTime.add(Date.now() - askedAt);
      timers.input = setInterval(() => {
        sequence++;
        sentAt[sequence % SENT_RING] = Date.now();
        send(bytesMessage(ClientMessage.Input, codec.encodeInput(sequence, sample(sequence, settings.inputRate))));
        inputs.add(1);
        observer?.inputSent(sequence);
      }, 1000 / settings.inputRate);
      timers.second = setInterval(() => {
        snapshotRate.add(inSecond);
        inSecond = 0;
      }, 1000);
      timers.leave = setTimeout(leave, settings.sessionSeconds * 1000);
    };

    const onSnapshot = (body: Uint8Array) => {
      const read = codec.readSnapshot(body);
      if (!read.ok) {
        countError('table', 'Snapshot');
        return;
      }
      snapshots.add(1);
      inSecond++;
      observer?.snapshot(read.value);
      const ack = read.value.ownAck;
      if (ack === undefined || ack <= acked) return;
      const now = Date.now();
      // Every input up to the ack is acknowledged; those older than the ring are too old to time.
      for (let s = Math.max(acked + 1, ack - SENT_RING + 1); s <= ack && s <= sequence; s++) {
        inputLatency.add(now - sentAt[s % SENT_RING]!);
      }
      acked = ack;
    };

    ws.addEventListener('message', (event) => {
      const data = (event as { data: unknown }).data;
      if (!(data instanceof ArrayBuffer)) {
        countError('frame', 'text');
        return;
      }
      let frame: ReturnType<typeof decodeServerFrame>;
      try {
        frame = decodeServerFrame(new Uint8Array(data));
      } catch {
        countError('frame', 'truncated');
        return;
      }
      switch (frame.kind) {
        case 'join':
          send(joinAcknowledgement());
          break;
        case 'bytes':
          if (frame.type === ClientMessage.Snapshot) onSnapshot(frame.body);
          else if (frame.type === ClientMessage.Joined) onJoined(frame.body);
          break;
        case 'error':
          countError('error', frame.code);
          break;
        case 'leave':
          leave();
          break;
        default:
          break;
      }
    });
    ws.addEventListener('close', (event) => {
      stop();
      const code = (event as { code?: number }).code ?? 'none';
      const expected = leaving && (code === ColyseusCloseCode.Consented || code === ColyseusCloseCode.Normal);
      if (!expected) countError('close', code);
      observer?.closed(code, expected);
      resolve();
    });
  });
}

/**
 * A pause of about `seconds`: anywhere from half of it to half as much again, so that players who started together
 * drift apart, as real ones do between matches.
 */
function think(seconds: number): void {
  sleep(seconds * (0.5 + Math.random()));
}

/**
 * One iteration of a virtual user: join a match, play it for a session, leave, pause. A VU's first iteration starts
 * after a random part of START_SPREAD_SECONDS, so that VUs that arrive together do not all play and pause in step.
 */
export async function playMatch(settings: SessionSettings, observer?: SessionObserver): Promise<void> {
  if (__ITER === 0 && settings.startSpreadSeconds > 0) sleep(Math.random() * settings.startSpreadSeconds);
  const gateway = parseGateway(settings.gateway);
  const token = await guestToken(gateway);
  const askedAt = Date.now();
  const seat = token === undefined ? undefined : await reserveSeat(gateway, token, `bot ${__VU}`);
  if (seat !== undefined) await playRoom(roomUrl(gateway, seat, token), askedAt, settings, observer);
  think(settings.thinkSeconds);
}
