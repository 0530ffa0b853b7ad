import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AskSlots } from '../src/ask-slots.js';

const item = (id: number) => ({ id });

describe('AskSlots (waiting asks by correlation id)', () => {
  it('finds, removes and lists asks in sequence across growth', () => {
    const slots = new AskSlots<{ id: number }>();
    const items = Array.from({ length: 1000 }, (_, i) => item(i + 1));
    for (const it of items) slots.add(it);
    assert.equal(slots.size, 1000);
    for (const it of items) assert.equal(slots.get(it.id), it);
    assert.equal(slots.get(1001), undefined);
    for (const it of items.filter((x) => x.id % 2 === 0)) slots.delete(it);
    assert.equal(slots.size, 500);
    assert.equal(slots.get(2), undefined);
    assert.equal(slots.get(3), items[2]);
    assert.deepEqual(
      slots
        .values()
        .map((x) => x.id)
        .sort((a, b) => a - b),
      items.filter((x) => x.id % 2 === 1).map((x) => x.id),
    );
  });

  it('keeps an old ask whose slot a newer id maps to, and each is found by its own id', () => {
    const slots = new AskSlots<{ id: number }>();
    const old = item(1);
    slots.add(old);
    // A stream of short asks: each settles before the next, and every 64th maps to the old one's slot.
    for (let id = 2; id < 1000; id++) {
      const quick = item(id);
      slots.add(quick);
      assert.equal(slots.get(id), quick);
      assert.equal(slots.get(1), old);
      slots.delete(quick);
      assert.equal(slots.get(id), undefined);
    }
    assert.equal(slots.size, 1);
    assert.deepEqual(slots.values(), [old]);
    slots.delete(old);
    assert.equal(slots.get(1), undefined);
    assert.equal(slots.size, 0);
  });

  it('an overflowed ask outlives the one that held its slot', () => {
    const slots = new AskSlots<{ id: number }>();
    const first = item(5);
    const clash = item(5 + 64);
    slots.add(first);
    slots.add(clash);
    slots.delete(first);
    assert.equal(slots.get(5 + 64), clash);
    assert.equal(slots.get(5), undefined);
    slots.delete(clash);
    assert.equal(slots.size, 0);
    assert.deepEqual(slots.values(), []);
  });

  it('goes on working after a burst has grown the slots and emptied them', () => {
    const slots = new AskSlots<{ id: number }>();
    const burst = Array.from({ length: 200_000 }, (_, i) => item(i + 1));
    for (const it of burst) slots.add(it);
    for (const it of burst) slots.delete(it);
    assert.equal(slots.size, 0);
    const after = item(200_001);
    slots.add(after);
    assert.equal(slots.get(200_001), after);
    assert.deepEqual(slots.values(), [after]);
  });
});
