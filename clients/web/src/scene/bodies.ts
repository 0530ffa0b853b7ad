// A mesh per entity of the match, posed from the interpolated frame: capsules for players (this player's own body
// highlighted, with a ring at its feet), cubes for props.
import type { Pose } from '@packetflow/client';
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

export class Bodies {
  private readonly meshes = new Map<number, Mesh>();

  constructor(
    private readonly scene: Scene,
    private readonly ownEntity: number,
  ) {}

  /**
   * Poses every entity of the frame, adding meshes for new ones and removing those the frame no longer has. Whether
   * an entity is a player is settled when its mesh is made: snapshots give shapes no other way than by the scores.
   */
  update(poses: ReadonlyMap<number, Pose>, isPlayer: (entity: number) => boolean): void {
    for (const [entity, pose] of poses) {
      let mesh = this.meshes.get(entity);
      if (mesh === undefined) {
        mesh = this.create(entity, isPlayer(entity));
        this.meshes.set(entity, mesh);
        this.scene.add(mesh);
      }
      mesh.position.set(pose.position.x, pose.position.y, pose.position.z);
      mesh.quaternion.set(pose.rotation.x, pose.rotation.y, pose.rotation.z, pose.rotation.w);
    }
    for (const [entity, mesh] of this.meshes) {
      if (poses.has(entity)) continue;
      this.scene.remove(mesh);
      this.meshes.delete(entity);
    }
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
