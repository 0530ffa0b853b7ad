import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type MessageRegistry, type Packet, System } from '@packetflow/protocol';

/** The protocol version this node speaks (PROTOCOL.md, Handshake). */
export const PROTOCOL_VERSION = 1;
export const NONCE_BYTES = 32;
const HANDSHAKE_TARGET = { kind: '$system', id: 'handshake' } as const;

export interface NodeIdentity {
  readonly nodeId: string;
  readonly roles: readonly string[];
}

export function newNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}

/** HMAC-SHA256(secret, nonce ‖ UTF-8(nodeId)): proves the secret for this nonce without revealing it. */
export function proofOf(secret: Uint8Array, nonce: Uint8Array, nodeId: string): Uint8Array {
  return createHmac('sha256', secret).update(nonce).update(nodeId, 'utf8').digest();
}

export function proofHolds(secret: Uint8Array, nonce: Uint8Array, nodeId: string, proof: Uint8Array): boolean {
  const expected = proofOf(secret, nonce, nodeId);
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
  return {
    target: HANDSHAKE_TARGET,
    type: 'Handshake',
    correlationId: 0,
    flags: 0,
    ttlMs: 0,
    body: registry.encode({ type: 'Handshake', body }),
  };
}

export interface PeerHandshake {
  readonly nodeId: string;
  readonly roles: string[];
  readonly nonce: Uint8Array;
  readonly proof: Uint8Array;
}

/** Reads the one Handshake a handshake frame must hold; returns why not when it does not. */
export function readHandshake(registry: MessageRegistry, packets: readonly Packet[]): PeerHandshake | string {
  if (packets.length !== 1 || packets[0]!.type !== 'Handshake') return 'expected a Handshake first';
  const decoded = registry.decode('Handshake', packets[0]!.body);
  if (!decoded.ok) return `unreadable Handshake: ${decoded.error.message}`;
  const hello = decoded.value.body as System.HandshakeT;
  if (hello.protocolVersion !== PROTOCOL_VERSION) {
    return `speaks protocol version ${hello.protocolVersion}, this node speaks ${PROTOCOL_VERSION}`;
  }
  if (typeof hello.nodeId !== 'string' || hello.nodeId.length === 0) return 'Handshake without a node id';
  if (hello.nonce.length !== NONCE_BYTES) return `nonce of ${hello.nonce.length} bytes, expected ${NONCE_BYTES}`;
  return {
    nodeId: hello.nodeId,
    roles: hello.roles.flatMap((role) => (typeof role.name === 'string' && role.name.length > 0 ? [role.name] : [])),
    nonce: Uint8Array.from(hello.nonce),
    proof: Uint8Array.from(hello.proof),
  };
}
