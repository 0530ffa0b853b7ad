// The gateway's metrics, in the node's registry (served at the admin endpoint's /metrics with the actor and cluster
// metrics, every series labelled with the node id). Hot paths only add to plain numbers here; the counters read them
// when scraped, and the gauges read the rooms this gateway holds.
import { ClientCloseCode, ClientErrorCode } from '@packetflow/protocol';
import { Counter, Gauge, type Registry } from 'prom-client';
import { TransportCloseCode } from '../transport/bound-transport.js';
import { BucketHistogram } from './bucket-histogram.js';

/** What the metrics read of a room when scraped: its clients with an open WebSocket. */
export interface MeteredRoom {
  readonly clients: { readonly length: number };
}

/** The HTTP routes requests are counted under: the two the request guard limits, and everything else. */
export type HttpRoute = 'auth_guest' | 'matchmake' | 'other';
const HTTP_ROUTES: readonly HttpRoute[] = ['auth_guest', 'matchmake', 'other'];

/**
 * Codes a seat reservation or a join is refused with: the request guard's (429 over the rate, 411 chunked body, 413
 * too large, 527 while Redis is unreachable), 503 while Colyseus shuts down, and Colyseus' matchmaking codes 520–526
 * (a reservation's HTTP status is its Colyseus code). Anything else counts as `other`.
 */
export const JOIN_FAILURE_CODES: readonly number[] = [411, 413, 429, 503, 520, 521, 522, 523, 524, 525, 526, 527];
/** The input guard's refusal codes. */
export const INPUT_REFUSAL_CODES: readonly number[] = [
  ClientErrorCode.InvalidPayload,
  ClientErrorCode.BadSequence,
  ClientErrorCode.RateLimited,
];
/** Why the gateway cuts a client off: 4400 out of strikes (bad input, a flood), 1009 too big a frame, 1007 bad text. */
export const CUT_OFF_CODES: readonly number[] = [
  ClientCloseCode.Misbehaving,
  TransportCloseCode.MessageTooBig,
  TransportCloseCode.InvalidText,
];
/** HTTP statuses counted by their number; any other as `other`. */
const HTTP_STATUSES: readonly number[] = [
  ...new Set([200, 204, 400, 404, 408, 411, 413, 429, 500, 503, ...JOIN_FAILURE_CODES]),
];

/** From one 30 Hz tick (33 ms) split into phases, to a second behind. */
export const INPUT_TO_SNAPSHOT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.02, 0.033, 0.05, 0.066, 0.1, 0.15, 0.25, 0.5, 1,
];

/**
 * Counts under a closed set of label sets (an `other` among them where a value may fall outside), as plain numbers
 * indexed like the sets, so that adding one is an array increment. The counter reads them when scraped.
 */
class Tally<L extends string> {
  private readonly counts: Float64Array;

  constructor(
    private readonly labelSets: ReadonlyArray<Partial<Record<L, string>>>,
    private readonly zeros = true,
  ) {
    this.counts = new Float64Array(labelSets.length);
  }

  add(index: number): void {
    this.counts[index]!++;
  }

  /**
   * Sets `counter` to the counts: with `zeros`, every series from the start (at 0), so that a dashboard's rate() has
   * one before the first event; otherwise only those counted.
   */
  report(counter: Counter<L>): void {
    counter.reset();
    for (let i = 0; i < this.labelSets.length; i++) {
      const count = this.counts[i]!;
      if (count > 0 || this.zeros) counter.inc(this.labelSets[i]!, count);
    }
  }
}

/** The index of `code` among `codes`, or `codes.length` (the `other` series) when it is not one of them. */
function codeIndex(codes: readonly number[], code: number): number {
  const index = codes.indexOf(code);
  return index < 0 ? codes.length : index;
}

function codeLabels(codes: readonly number[], other: boolean): { code: string }[] {
  return [...codes.map((code) => ({ code: String(code) })), ...(other ? [{ code: 'other' }] : [])];
}

/** A counter reporting a number the gateway adds to, read when scraped. */
function countedBy(name: string, help: string, registers: Registry[], read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

export class GatewayMetrics {
  /** Joins that took a seat and joined their socket. */
  joins = 0;
  /** Client inputs the input guard accepted and the room told the match. */
  inputs = 0;
  /** Snapshot messages sent, one per client per snapshot. */
  snapshotsSent = 0;
  /** Bytes of the room's messages to clients as Colyseus frames them (snapshots, `joined`, errors). */
  sentBytes = 0;
  /** From an accepted input's arrival to the first snapshot to its client that acknowledges it. */
  readonly inputToSnapshot: BucketHistogram;

  private readonly rooms = new Set<MeteredRoom>();
  private readonly joinFailures = new Tally<'code'>(codeLabels(JOIN_FAILURE_CODES, true));
  private readonly inputsRefused = new Tally<'code'>(codeLabels(INPUT_REFUSAL_CODES, false));
  private readonly cutOffs = new Tally<'code'>(codeLabels(CUT_OFF_CODES, false));
  private readonly httpRequests = new Tally<'route' | 'status'>(
    HTTP_ROUTES.flatMap((route) => [...HTTP_STATUSES.map(String), 'other'].map((status) => ({ route, status }))),
    false,
  );

  private readonly registers: Registry[];

  constructor(registry: Registry) {
    const registers = [registry];
    this.registers = registers;
    const { rooms, joinFailures, inputsRefused, cutOffs, httpRequests } = this;
    new Gauge({
      name: 'packetflow_gateway_clients_connected',
      help: 'Clients with an open WebSocket in match rooms on this gateway',
      registers,
      collect() {
        let clients = 0;
        for (const room of rooms) clients += room.clients.length;
        this.set(clients);
      },
    });
    new Gauge({
      name: 'packetflow_gateway_rooms_active',
      help: 'Match rooms on this gateway',
      registers,
      collect() {
        this.set(rooms.size);
      },
    });
    countedBy(
      'packetflow_gateway_joins_total',
      'Joins that took a seat in a match room and joined their WebSocket',
      registers,
      () => this.joins,
    );
    new Counter({
      name: 'packetflow_gateway_join_failures_total',
      help: 'Seat reservations (by their HTTP status) and WebSocket joins refused, by Colyseus or gateway code',
      labelNames: ['code'],
      registers,
      collect() {
        joinFailures.report(this);
      },
    });
    countedBy(
      'packetflow_gateway_inputs_total',
      'Client inputs the input guard accepted and the room told the match',
      registers,
      () => this.inputs,
    );
    new Counter({
      name: 'packetflow_gateway_inputs_refused_total',
      help: 'Client messages the input guard refused, by its refusal code (the error code the client is sent)',
      labelNames: ['code'],
      registers,
      collect() {
        inputsRefused.report(this);
      },
    });
    countedBy(
      'packetflow_gateway_snapshots_sent_total',
      'Snapshot messages sent to clients, one per client per snapshot',
      registers,
      () => this.snapshotsSent,
    );
    countedBy(
      'packetflow_gateway_sent_bytes_total',
      "Bytes of the match rooms' messages to clients as Colyseus frames them: snapshots, joined, errors",
      registers,
      () => this.sentBytes,
    );
    new Counter({
      name: 'packetflow_gateway_clients_cut_off_total',
      help: 'Clients the gateway cut off: 4400 out of strikes (bad input, a flood), 1009 too big a frame, 1007 bad text',
      labelNames: ['code'],
      registers,
      collect() {
        cutOffs.report(this);
      },
    });
    this.inputToSnapshot = new BucketHistogram(
      'packetflow_gateway_input_to_snapshot_seconds',
      "From an accepted input's arrival at the gateway to the first snapshot sent to its client that acknowledges it",
      INPUT_TO_SNAPSHOT_BUCKETS,
      registers,
    );
    new Counter({
      name: 'packetflow_gateway_http_requests_total',
      help: 'HTTP requests answered, by route (auth_guest, matchmake, other) and status',
      labelNames: ['route', 'status'],
      registers,
      collect() {
        httpRequests.report(this);
      },
    });
  }

  /**
   * Counts, when scraped, the input frames the fast path took past Colyseus and the bursts the pacer sent them on in:
   * inputs ÷ bursts is how many share one cluster write.
   */
  countInputPaths(fastPath: { readonly routed: number }, pacer: { readonly bursts: number }): void {
    countedBy(
      'packetflow_gateway_inputs_fast_path_total',
      "Client input frames handed to their room straight from uWebSockets.js, past Colyseus' message dispatch",
      this.registers,
      () => fastPath.routed,
    );
    countedBy(
      'packetflow_gateway_input_bursts_total',
      'Bursts in which the gateway sent accepted inputs on to their matches (each at most one write per cluster link)',
      this.registers,
      () => pacer.bursts,
    );
  }

  /** A room to count while it lives (its clients, and it among the rooms). */
  addRoom(room: MeteredRoom): void {
    this.rooms.add(room);
  }

  removeRoom(room: MeteredRoom): void {
    this.rooms.delete(room);
  }

  /** A reservation or join refused with `code` (a Colyseus ErrorCode, or the request guard's HTTP status). */
  joinFailed(code: number): void {
    this.joinFailures.add(codeIndex(JOIN_FAILURE_CODES, code));
  }

  /** A client message the input guard refused with `code`. */
  inputRefused(code: number): void {
    const index = INPUT_REFUSAL_CODES.indexOf(code);
    if (index >= 0) this.inputsRefused.add(index);
  }

  /** A client the gateway cut off, with the close code it was cut off for. */
  cutOff(code: number): void {
    const index = CUT_OFF_CODES.indexOf(code);
    if (index >= 0) this.cutOffs.add(index);
  }

  /** An HTTP request answered with `status`; a refused seat reservation counts as a join failure too. */
  answered(route: HttpRoute, status: number): void {
    const statusIndex = codeIndex(HTTP_STATUSES, status);
    this.httpRequests.add(HTTP_ROUTES.indexOf(route) * (HTTP_STATUSES.length + 1) + statusIndex);
    if (route === 'matchmake' && status >= 400) this.joinFailed(status);
  }
}

/** Creates the gateway's metrics in `registry` (the node's); names and meanings are listed in the README. */
export function gatewayMetrics(registry: Registry): GatewayMetrics {
  return new GatewayMetrics(registry);
}
