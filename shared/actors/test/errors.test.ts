import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ActorError,
  ActorStoppedError,
  AskTimeoutError,
  HandlerError,
  SystemStoppedError,
  UnknownKindError,
  UnknownMessageError,
} from '../src/index.js';

describe('errors', () => {
  it('are ActorErrors with a stable code, a name and the address they concern', () => {
    const address = { kind: 'counter', id: 'a' };
    const cause = new Error('inner');
    const cases: [ActorError, string, string][] = [
      [new AskTimeoutError(address, 'get', 50), 'ask_timeout', 'AskTimeoutError'],
      [new UnknownKindError('counter'), 'unknown_kind', 'UnknownKindError'],
      [new UnknownMessageError(address, 'get'), 'unknown_message', 'UnknownMessageError'],
      [new HandlerError(address, 'get', cause), 'handler_failed', 'HandlerError'],
      [new ActorStoppedError(address), 'actor_stopped', 'ActorStoppedError'],
      [new SystemStoppedError(), 'system_stopped', 'SystemStoppedError'],
    ];
    for (const [error, code, name] of cases) {
      assert.ok(error instanceof ActorError);
      assert.ok(error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(error.name, name);
    }
    assert.equal(new HandlerError(address, 'get', cause).cause, cause);
    assert.match(new AskTimeoutError(address, 'get', 50).message, /counter\/a/);
  });
});
