import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type MessageRegistry, type Packet, System } from '@packetflow/protocol';
import { isName, NAME_RULE } from '../config/names.js';

/**
 * The protocol version this node speaks (PROTOCOL.md §7). Version 2 binds both nonces, both node ids and the
 * direction into each proof; a version-1 node's proofs could be relayed to a third node or reflected back to it.
 */
export const PROTOCOL_VERSION = 2;
export const NONCE_BYTES = 32;
const HANDSHAKE_TARGET = { kind: '$system', id: 'handshake' } as const;
/** Keeps these MACs apart from any other use of the cluster secret. */
const PROOF_LABEL = new TextEncoder().encode('PacketFlow handshake v2\0');

export interface NodeIdentity {
  readonly nodeId: string;
  readonly roles: readonly string[];
}

/** Who said what in frames 1 and 2: everything both proofs are bound to. */
export interface Transcript {
  readonly acceptorId: string;
  readonly acceptorNonce: Uint8Array;
  readonly dialerId: string;
  readonly dialerNonce: Uint8Array;
}

/** Which side a proof speaks for, so that the dialer's proof can never pass as the acceptor's or the reverse. */
export type ProofDirection = 'dialer' | 'acceptor';

export function newNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}

/**
 * HMAC-SHA256(secret, label ‖ direction ‖ acceptor nonce ‖ dialer nonce ‖ len ‖ acceptor id ‖ len ‖ dialer id),
 * each id UTF-8 with a 2-byte big-endian length: proves the secret for exactly this connection, between these two
 * nodes, in this direction.
 */
export function proofOf(secret: Uint8Array, direction: ProofDirection, transcript: Transcript): Uint8Array {
  const mac = createHmac('sha256', secret)
    .update(PROOF_LABEL)
    .update(Uint8Array.of(direction === 'dialer' ? 1 : 2))
    .update(transcript.acceptorNonce)
    .update(transcript.dialerNonce);
  for (const id of [transcript.acceptorId, transcript.dialerId]) {
    const bytes = Buffer.from(id, 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    mac.update(length).update(bytes);
  }
  return mac.digest();
}

export function proofHolds(
  secret: Uint8Array,
  direction: ProofDirection,
  transcript: Transcript,
  proof: Uint8Array,
): boolean {
  const expected = proofOf(secret, direction, transcript);
  return proof.length === expected.length && timingSafeEqual(proof, expected);
}

export function handshakePacket(
  registry: MessageRegistry,
  identity: NodeIdentity,
  nonce: Uint8Array,
  proof: Uint8Array | undefined,
): Packet {
  const roles = identity.roles.map((name) => new System.RoleT(name));
  const body = new System.HandshakeT(PROTOCOL_VERSION, identity.nodeId, roles, [...nonce], proof ? [...proof] : []);
  return handshakeFramePacket('Handshake', registry.encode({ type: 'Handshake', body }));
}

/** The `Error` (code Unauthorized) a node sends before it closes a connection whose handshake it refused. */
export function refusalPacket(registry: MessageRegistry, reason: string): Packet {
  const body = new System.ErrorT(System.ErrorCode.Unauthorized, reason);
  return handshakeFramePacket('Error', registry.encode({ type: 'Error', body }));
}

function handshakeFramePacket(type: string, body: Uint8Array): Packet {
  return { target: HANDSHAKE_TARGET, type, correlationId: 0, flags: 0, ttlMs: 0, body };
}

export interface PeerHandshake {
  readonly nodeId: string;
  readonly roles: string[];
  readonly nonce: Uint8Array;
  readonly proof: Uint8Array;
}

/** Why a handshake frame was not accepted; `byPeer` when the peer sent a refusal instead of a Handshake. */
export interface HandshakeFailure {
  readonly reason: string;
  readonly byPeer: boolean;
}

/** Reads the one Handshake a handshake frame must hold, or says why it does not hold one. */
export function readHandshake(registry: MessageRegistry, packets: readonly Packet[]): PeerHandshake | HandshakeFailure {
  const failed = (reason: string): HandshakeFailure => ({ reason, byPeer: false });
  if (packets.length === 1 && packets[0]!.type === 'Error') {
    const refusal = registry.decode('Error', packets[0]!.body);
    const why = refusal.ok ? (refusal.value.body as System.ErrorT).message : null;
    return {
      reason: `refused by the peer: ${typeof why === 'string' && why.length > 0 ? why : 'no reason given'}`,
      byPeer: true,
    };
  }
  if (packets.length !== 1 || packets[0]!.type !== 'Handshake') return failed('expected a Handshake first');
  const decoded = registry.decode('Handshake', packets[0]!.body);
  if (!decoded.ok) return failed(`unreadable Handshake: ${decoded.error.message}`);
  const hello = decoded.value.body as System.HandshakeT;
  if (hello.protocolVersion !== PROTOCOL_VERSION) {
    return failed(`speaks protocol version ${hello.protocolVersion}, this node speaks ${PROTOCOL_VERSION}`);
  }
  if (typeof hello.nodeId !== 'string' || !isName(hello.nodeId)) {
    return failed(`Handshake whose node id is not ${NAME_RULE}`);
  }
  if (hello.nonce.length !== NONCE_BYTES)
    return failed(`nonce of ${hello.nonce.length} bytes, expected ${NONCE_BYTES}`);
  return {
    nodeId: hello.nodeId,
    roles: hello.roles.flatMap((role) => (typeof role.name === 'string' && role.name.length > 0 ? [role.name] : [])),
    nonce: Uint8Array.from(hello.nonce),
    proof: Uint8Array.from(hello.proof),
  };
}

export function isFailure(read: PeerHandshake | HandshakeFailure): read is HandshakeFailure {
  return 'reason' in read;
}
