// The renderer, the scene with its lights and arena, and the camera, kept fitted to the window.
import {
  Color,
  DirectionalLight,
  HemisphereLight,
  PCFShadowMap,
  PerspectiveCamera,
  Scene,
  type Vector3,
  WebGLRenderer,
} from 'three';
import { createArena } from './arena.js';
import { fitCameraToArena } from './camera.js';
import { ARENA_HALF_SIZE } from './sizes.js';

export class Stage {
  readonly scene = new Scene();
  readonly camera = new PerspectiveCamera(45, 1, 0.5, 2000);
  private readonly renderer: WebGLRenderer;
  /** Whether the picture on screen is out of date for a reason of the stage's own (a resize, a restored context). */
  private stale = true;

  constructor(container: HTMLElement) {
    this.renderer = new WebGLRenderer({ antialias: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = PCFShadowMap;
    container.append(this.renderer.domElement);

    this.scene.background = new Color(0x1d2330);
    this.scene.add(new HemisphereLight(0xdde6ff, 0x30343f, 1.4));
    const sun = new DirectionalLight(0xffffff, 2.2);
    // From over the camera's left shoulder (+x is to the left on screen): shadows fall away from the viewer.
    sun.position.set(14, 30, -12);
    sun.castShadow = true;
    sun.shadow.mapSize.set(1024, 1024);
    sun.shadow.bias = -0.0005;
    sun.shadow.normalBias = 0.02;
    const reach = ARENA_HALF_SIZE + 2;
    Object.assign(sun.shadow.camera, { left: -reach, right: reach, top: reach, bottom: -reach, near: 1, far: 80 });
    this.scene.add(sun);
    this.scene.add(createArena());

    this.resize();
    window.addEventListener('resize', () => this.resize());
    // A restored context starts blank, and a still scene would not be drawn again.
    this.renderer.domElement.addEventListener('webglcontextrestored', () => {
      this.stale = true;
    });
  }

  /**
   * Draws the scene when the caller says something in it changed or the stage itself is stale. A still match costs
   * no drawing at all: on a laptop that is battery, and with software WebGL it is most of a CPU.
   */
  render(changed: boolean): void {
    if (!changed && !this.stale) return;
    this.stale = false;
    this.renderer.render(this.scene, this.camera);
  }

  /** Where a world point is drawn, in CSS pixels from the canvas' top left corner. */
  toScreen(point: Vector3): { x: number; y: number } {
    const ndc = point.clone().project(this.camera);
    const canvas = this.renderer.domElement;
    return { x: ((ndc.x + 1) / 2) * canvas.clientWidth, y: ((1 - ndc.y) / 2) * canvas.clientHeight };
  }

  private resize(): void {
    const width = window.innerWidth;
    const height = window.innerHeight;
    this.renderer.setSize(width, height);
    this.camera.aspect = width / height;
    fitCameraToArena(this.camera);
    this.stale = true;
  }
}
