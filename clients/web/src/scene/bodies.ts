// A mesh per entity of the match, posed from the interpolated frame: capsules for players (this player's own body
// highlighted, with a ring at its feet), cubes for props.
import type { Pose, Quat, Vec3 } from '@packetflow/client';
import {
  BoxGeometry,
  CapsuleGeometry,
  type Material,
  Mesh,
  MeshBasicMaterial,
  MeshStandardMaterial,
  RingGeometry,
  type Scene,
} from 'three';
import { PLAYER_HALF_HEIGHT, PLAYER_RADIUS, PROP_HALF } from './sizes.js';

const propGeometry = new BoxGeometry(2 * PROP_HALF, 2 * PROP_HALF, 2 * PROP_HALF);
const playerGeometry = new CapsuleGeometry(PLAYER_RADIUS, 2 * PLAYER_HALF_HEIGHT, 6, 16);
const propMaterial = new MeshStandardMaterial({ color: 0xc8a165, roughness: 0.8 });
const playerMaterial = new MeshStandardMaterial({ color: 0x5fa8d3, roughness: 0.5 });
const ownMaterial = new MeshStandardMaterial({ color: 0xffa630, emissive: 0x803a00, roughness: 0.4 });

function ownMarker(): Mesh {
  const ring = new Mesh(
    new RingGeometry(PLAYER_RADIUS + 0.15, PLAYER_RADIUS + 0.35, 32),
    new MeshBasicMaterial({ color: 0xffd166 }),
  );
  ring.rotation.x = -Math.PI / 2;
  // Just above the floor under the capsule: its centre is PLAYER_HALF_HEIGHT + PLAYER_RADIUS above its feet.
  ring.position.y = -(PLAYER_HALF_HEIGHT + PLAYER_RADIUS) + 0.02;
  return ring;
}

/**
 * Closer than this (metres, and quaternion components) counts as the same pose. Interpolating between two equal
 * poses does not give exactly that pose back (slerp's arithmetic), and a still scene must stay undrawn.
 */
const STILL = 1e-4;

function posedAt(mesh: Mesh, position: Vec3, rotation: Quat): boolean {
  const p = mesh.position;
  const q = mesh.quaternion;
  return (
    Math.abs(p.x - position.x) < STILL &&
    Math.abs(p.y - position.y) < STILL &&
    Math.abs(p.z - position.z) < STILL &&
    Math.abs(q.x - rotation.x) < STILL &&
    Math.abs(q.y - rotation.y) < STILL &&
    Math.abs(q.z - rotation.z) < STILL &&
    Math.abs(q.w - rotation.w) < STILL
  );
}

export class Bodies {
  private readonly meshes = new Map<number, Mesh>();

  constructor(
    private readonly scene: Scene,
    private readonly ownEntity: number,
  ) {}

  /**
   * Poses every entity of the frame, adding meshes for new ones and removing those the frame no longer has; returns
   * whether anything changed. Whether an entity is a player is settled when its mesh is made: snapshots tell players
   * from props no other way than by the scores.
   */
  update(poses: ReadonlyMap<number, Pose>, isPlayer: (entity: number) => boolean): boolean {
    let changed = false;
    for (const [entity, { position, rotation }] of poses) {
      let mesh = this.meshes.get(entity);
      if (mesh === undefined) {
        mesh = this.create(entity, isPlayer(entity));
        this.meshes.set(entity, mesh);
        this.scene.add(mesh);
        changed = true;
      }
      if (posedAt(mesh, position, rotation)) continue;
      mesh.position.set(position.x, position.y, position.z);
      mesh.quaternion.set(rotation.x, rotation.y, rotation.z, rotation.w);
      changed = true;
    }
    for (const [entity, mesh] of this.meshes) {
      if (poses.has(entity)) continue;
      this.scene.remove(mesh);
      this.meshes.delete(entity);
      changed = true;
    }
    return changed;
  }

  /** The mesh drawn for an entity, if it is in the last frame. */
  meshOf(entity: number): Mesh | undefined {
    return this.meshes.get(entity);
  }

  private create(entity: number, player: boolean): Mesh {
    const own = entity === this.ownEntity;
    const material: Material = own ? ownMaterial : player ? playerMaterial : propMaterial;
    const mesh = new Mesh(player || own ? playerGeometry : propGeometry, material);
    mesh.castShadow = true;
    mesh.receiveShadow = true;
    if (own) mesh.add(ownMarker());
    return mesh;
  }
}
