// The arena's static parts, as the physics world builds them: a floor whose top is y = 0 and four walls around it.
import { BoxGeometry, GridHelper, Group, Mesh, MeshStandardMaterial } from 'three';
import { ARENA_HALF_SIZE, WALL_HEIGHT, WALL_THICKNESS } from './sizes.js';

export function createArena(): Group {
  const arena = new Group();
  const h = ARENA_HALF_SIZE;
  const t = WALL_THICKNESS;

  const floor = new Mesh(new BoxGeometry(2 * h, 1, 2 * h), new MeshStandardMaterial({ color: 0x3b4252 }));
  floor.position.set(0, -0.5, 0);
  floor.receiveShadow = true;
  arena.add(floor);

  // A line every 2 m: on a plain floor, movement is hard to see.
  const grid = new GridHelper(2 * h, h, 0x5e6a80, 0x4c566a);
  grid.position.y = 0.01;
  arena.add(grid);

  const wallMaterial = new MeshStandardMaterial({ color: 0x6b7a99 });
  const walls: [width: number, depth: number, x: number, z: number][] = [
    [2 * (h + 2 * t), 2 * t, 0, h + t],
    [2 * (h + 2 * t), 2 * t, 0, -h - t],
    [2 * t, 2 * h, h + t, 0],
    [2 * t, 2 * h, -h - t, 0],
  ];
  for (const [width, depth, x, z] of walls) {
    const wall = new Mesh(new BoxGeometry(width, WALL_HEIGHT, depth), wallMaterial);
    wall.position.set(x, WALL_HEIGHT / 2, z);
    wall.castShadow = true;
    wall.receiveShadow = true;
    arena.add(wall);
  }
  return arena;
}
