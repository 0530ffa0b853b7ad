// The king mode's zone: a flat ring on the floor where KING_ZONE says, so players can see where to stand.
import { KING_ZONE } from '@packetflow/client';
import { DoubleSide, Mesh, MeshBasicMaterial, RingGeometry } from 'three';

export function createKingZone(): Mesh {
  const ring = new Mesh(
    new RingGeometry(KING_ZONE.radius - 0.15, KING_ZONE.radius, 64),
    new MeshBasicMaterial({ color: 0xebcb8b, side: DoubleSide, transparent: true, opacity: 0.85 }),
  );
  // RingGeometry lies in the x-y plane: turned flat onto the floor (x-z), just above the grid.
  ring.rotation.x = -Math.PI / 2;
  ring.position.set(KING_ZONE.x, 0.02, KING_ZONE.z);
  ring.name = 'king-zone';
  return ring;
}
