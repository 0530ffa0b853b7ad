// Which movement keys are held, by physical key (`KeyboardEvent.code`), so WASD sits where it does on a QWERTY
// keyboard whatever the layout. Arrow keys do the same.
import type { ScreenIntent } from './ground-move.js';

const DIRECTIONS: Readonly<Record<string, 'up' | 'down' | 'left' | 'right'>> = {
  KeyW: 'up',
  ArrowUp: 'up',
  KeyS: 'down',
  ArrowDown: 'down',
  KeyA: 'left',
  ArrowLeft: 'left',
  KeyD: 'right',
  ArrowRight: 'right',
};

export class Keyboard {
  private readonly held = new Set<string>();

  constructor(target: Window) {
    target.addEventListener('keydown', (event) => {
      if (DIRECTIONS[event.code] === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
      // Arrow keys would scroll the page.
      event.preventDefault();
      this.held.add(event.code);
    });
    target.addEventListener('keyup', (event) => {
      this.held.delete(event.code);
    });
    // A key released while the page had no focus never sends its keyup: without this it would stay held.
    target.addEventListener('blur', () => this.held.clear());
    target.document.addEventListener('visibilitychange', () => this.held.clear());
  }

  /** The held keys as a direction on screen; opposite keys cancel out. */
  intent(): ScreenIntent {
    let right = 0;
    let up = 0;
    for (const code of this.held) {
      const direction = DIRECTIONS[code];
      if (direction === 'up') up += 1;
      else if (direction === 'down') up -= 1;
      else if (direction === 'right') right += 1;
      else if (direction === 'left') right -= 1;
    }
    return { right: Math.sign(right), up: Math.sign(up) };
  }
}
