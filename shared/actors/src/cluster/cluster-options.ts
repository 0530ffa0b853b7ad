import type { Limits, MessageRegistry } from '@packetflow/protocol';
import type { Logger } from '../behavior.js';
import type { Membership } from '../membership/membership.js';
import type { PeerTraffic } from '../transport/transport-context.js';

export interface ClusterOptions {
  /** Shared by every member; a peer that cannot prove it is dropped before any of its packets is read. */
  readonly secret: string | Uint8Array;
  readonly membership: Membership;
  /** Actor kinds this node hosts; the kinds registered on the system when it joins, unless set. */
  readonly roles?: readonly string[];
  /** Interface to listen on; loopback unless set. */
  readonly host?: string;
  /** Port to listen on; any free port unless set. */
  readonly port?: number;
  /** host:port other members dial; the listening address unless set (set it when binding 0.0.0.0). */
  readonly advertise?: string;
  /** Codecs for every message that crosses nodes; the protocol's messages unless set. */
  readonly registry?: MessageRegistry;
  readonly logger?: Logger;
  /** Packets held per peer while its socket is slow; past it sends are refused (asks fail, tells are counted). */
  readonly maxQueuedPackets?: number;
  /** Bytes buffered in one socket above which the link waits for it to drain. */
  readonly highWaterBytes?: number;
  readonly handshakeTimeoutMs?: number;
  /** Reconnect delays: full jitter between 0 and min(maxMs, baseMs × 2^attempt). */
  readonly reconnect?: { readonly baseMs?: number; readonly maxMs?: number };
  /**
   * Limits on the frames this node reads and writes (the protocol's defaults unless set); a service whose messages
   * are large (physics snapshots) raises them, and so must every node that carries those messages.
   */
  readonly limits?: Partial<Limits>;
  /**
   * How often a `Heartbeat` goes to each peer with an open link, to measure the round trip and to find peers that
   * stopped answering; 400 ms unless set. Every member must use the same value (PROTOCOL.md §7).
   */
  readonly heartbeatMs?: number;
  /**
   * Heartbeat intervals in a row without an answer after which a peer's link is closed as dead (the peer is frozen,
   * or the connection is half-open); an inbound link is closed after one interval more without a frame. 3 unless
   * set: with 400 ms heartbeats, a peer that stops answering is found within 1.2–1.6 s.
   */
  readonly heartbeatMisses?: number;
}

/** What this node measured of one peer: its links' traffic, and the round trip to it. */
export interface PeerStats extends PeerTraffic {
  /** Round trip of the last heartbeat the peer answered, in seconds; undefined until one is answered. */
  rttSeconds: number | undefined;
}

/** Members as this node sees them; this node counts as live. */
export interface MembersByState {
  /** Registered, link open: routing uses them. */
  live: number;
  /** Registered, link not open (dropped, or not up yet): routing leaves them out. */
  suspected: number;
  /** Said Leave (PROTOCOL.md §7) and have not linked again since, deregistered or not. */
  leaving: number;
}

export interface ClusterStats {
  /** Packets dropped because their node was gone or its queue full (tells; asks fail with a typed error instead). */
  undeliverable: number;
  /** Packets re-routed to a new owner after their node went down before they were written. */
  rerouted: number;
  /** Packets from peers for virtual actors another member owns in this node's view, passed on to it once. */
  forwarded: number;
  /**
   * Packets from peers for virtual actors another member owns, not passed on (forwarded already, an owner this node
   * has no link to, a Watch): asks are answered `Unavailable`, tells are counted in `undeliverable` too.
   */
  notOwned: number;
  /** Tells that could not be encoded (no codec for their type, too large). */
  unencodable: number;
  /** Times a member was suspected because its connection dropped. */
  suspicions: number;
  reconnects: number;
  /** Links to members that opened (the first time or again). */
  linksUp: number;
  /** Open links to members that went down, for whatever reason (dial failures while down are not counted). */
  linksDown: number;
}
