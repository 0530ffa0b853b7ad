import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fnv1a32, keyHash, type Member, outranks, placementKey, RendezvousRouter } from '../src/index.js';

const members = (n: number, roles = ['match']): Member[] =>
  Array.from({ length: n }, (_, i) => ({ id: `node-${i}`, roles }));

function owners(router: RendezvousRouter, keys: number, kind = 'match'): Map<string, string> {
  const result = new Map<string, string>();
  for (let i = 0; i < keys; i++) result.set(`m-${i}`, router.owner(kind, `m-${i}`)!.id);
  return result;
}

describe('rendezvous routing', () => {
  test('spreads keys evenly over members', () => {
    const router = new RendezvousRouter(members(10));
    const counts = new Map<string, number>();
    for (const owner of owners(router, 100_000).values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    assert.equal(counts.size, 10);
    for (const [member, count] of counts) {
      // 10,000 expected each; a binomial standard deviation is ~95, so ±5% is more than 5 sigma.
      assert.ok(Math.abs(count - 10_000) < 500, `${member} owns ${count} of 100,000 keys`);
    }
  });

  test('removing a member moves only the keys it owned, spread over the rest', () => {
    const router = new RendezvousRouter(members(8));
    const before = owners(router, 20_000);
    router.remove('node-3');
    const after = owners(router, 20_000);
    const movedTo = new Map<string, number>();
    for (const [key, owner] of before) {
      if (owner === 'node-3') {
        assert.notEqual(after.get(key), 'node-3');
        movedTo.set(after.get(key)!, (movedTo.get(after.get(key)!) ?? 0) + 1);
      } else {
        assert.equal(after.get(key), owner, `${key} moved although its owner stayed`);
      }
    }
    assert.equal(movedTo.size, 7, 'the orphaned keys are shared by every remaining member');
  });

  test('adding a member moves keys only to the new member', () => {
    const router = new RendezvousRouter(members(5));
    const before = owners(router, 20_000);
    router.add({ id: 'node-new', roles: ['match'] });
    let moved = 0;
    for (const [key, owner] of owners(router, 20_000)) {
      if (owner !== before.get(key)) {
        assert.equal(owner, 'node-new');
        moved++;
      }
    }
    assert.ok(moved > 20_000 / 6 - 500 && moved < 20_000 / 6 + 500, `${moved} keys moved to the new member`);
  });

  test('only members hosting the kind own its keys', () => {
    const router = new RendezvousRouter([
      { id: 'logic-1', roles: ['match'] },
      { id: 'physics-1', roles: ['physics'] },
      { id: 'both', roles: ['match', 'physics'] },
    ]);
    for (let i = 0; i < 1000; i++) {
      assert.notEqual(router.owner('match', `m-${i}`)!.id, 'physics-1');
      assert.notEqual(router.owner('physics', `m-${i}`)!.id, 'logic-1');
    }
    assert.equal(router.owner('player', 'p-1'), undefined);
  });

  test('the route cache answers repeats and is invalidated by membership changes', () => {
    const router = new RendezvousRouter(members(4), { cacheSize: 100 });
    const first = router.owner('match', 'm-1')!;
    assert.equal(router.owner('match', 'm-1'), first);
    assert.equal(router.cacheStats.hits, 1);
    router.remove(first.id);
    assert.equal(router.cacheStats.size, 0);
    assert.notEqual(router.owner('match', 'm-1')!.id, first.id);
    for (let i = 0; i < 500; i++) router.owner('match', `k-${i}`);
    assert.ok(router.cacheStats.size <= 100, 'the cache stays within its capacity');
  });

  test('the owner does not depend on the order members were given in', () => {
    const a = new RendezvousRouter(members(6));
    const b = new RendezvousRouter(members(6).reverse());
    assert.deepEqual(owners(a, 2000), owners(b, 2000));
  });

  test('outranks(a, b) agrees with the owner of every view holding both, whatever else the view holds', () => {
    const all = members(6);
    for (let i = 0; i < 200; i++) {
      const id = `m-${i}`;
      const pair = [all[i % 6]!, all[(i + 1 + (i % 5)) % 6]!];
      const owner = new RendezvousRouter(pair).owner('match', id)!.id;
      const other = pair.find((m) => m.id !== owner)!.id;
      assert.ok(outranks('match', id, owner, other), `${owner} outranks ${other} for ${id}`);
      assert.ok(!outranks('match', id, other, owner));
      const wider = new RendezvousRouter(all).owner('match', id)!.id;
      if (wider === owner || wider === other) assert.equal(wider, owner);
    }
    assert.ok(!outranks('match', 'x', 'node-1', 'node-1'), 'a member does not outrank itself');
  });

  test("a physics world is placed with its match: on a node hosting both, it is the match's node", () => {
    const both = members(5, ['match', 'physics']);
    const router = new RendezvousRouter(both);
    for (let i = 0; i < 300; i++) {
      assert.equal(router.owner('physics', `m-${i}`), router.owner('match', `m-${i}`), `m-${i}`);
    }
    assert.equal(placementKey('physics', 'm-1'), keyHash('match', 'm-1'));
    assert.equal(placementKey('player', 'p-1'), keyHash('player', 'p-1'), 'other kinds by their own key');
    // Dedicated physics hosts still get every world, spread over them.
    const separate = new RendezvousRouter([
      ...members(3, ['match']),
      { id: 'phys-a', roles: ['physics'] },
      { id: 'phys-b', roles: ['physics'] },
    ]);
    const owners = new Set(Array.from({ length: 100 }, (_, i) => separate.owner('physics', `m-${i}`)!.id));
    assert.deepEqual([...owners].sort(), ['phys-a', 'phys-b']);
  });

  test('hashes match the values PROTOCOL.md gives', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    // Non-ASCII text hashes its UTF-8 bytes.
    assert.equal(fnv1a32('é'), fnv1a32Bytes(Buffer.from('é', 'utf8')));
    assert.equal(fnv1a32('😀'), fnv1a32Bytes(Buffer.from('😀', 'utf8')));
    assert.equal(keyHash('match', 'm-1'), fnv1a32Bytes(Buffer.from('match\0m-1', 'utf8')));
  });
});

function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
