import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProtocolRegistry, Game } from '@packetflow/protocol';
import { SeatInput } from '../src/rooms/seat-input.js';

describe('SeatInput', () => {
  const registry = createProtocolRegistry();
  const input = () => new Game.ClientInputT(42, 7, new Game.Vec2T(0.5, -1), null, 1);

  it('encodes to the same bytes as the generated PlayerInputT, its player id made once', () => {
    for (const playerId of ['guest-1a2b', 'ünïcødé-玩家']) {
      const bytes = new TextEncoder().encode(playerId);
      const fast = registry.encode({ type: 'PlayerInput', body: new SeatInput(playerId, bytes, input()) });
      const generated = registry.encode({ type: 'PlayerInput', body: new Game.PlayerInputT(playerId, input()) });
      assert.deepEqual(fast, generated);
      const decoded = registry.decode('PlayerInput', fast);
      assert.ok(decoded.ok);
      const body = decoded.value.body as Game.PlayerInputT;
      assert.equal(body.playerId, playerId);
      assert.equal(body.input?.sequence, 42);
    }
  });

  it('is read as it is by a match in the same process: the id stays a string', () => {
    const seatInput = new SeatInput('guest-9', new TextEncoder().encode('guest-9'), input());
    assert.equal(seatInput.playerId, 'guest-9');
    assert.ok(seatInput instanceof Game.PlayerInputT);
  });
});
