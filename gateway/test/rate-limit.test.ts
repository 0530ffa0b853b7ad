import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, addressList, listed } from '../src/http/addresses.js';
import { AddressRateLimiter } from '../src/http/rate-limit.js';

describe('rate limits per address', () => {
  it('serves a burst up to the limit, then says how long to wait, and refills over the window', () => {
    const limiter = new AddressRateLimiter(3, 1000, 0);
    assert.deepEqual(
      [0, 0, 0].map(() => limiter.take('a', 0)),
      [0, 0, 0],
    );
    assert.equal(limiter.take('a', 0), 334, 'a third of the window for one request');
    assert.equal(limiter.take('b', 0), 0, 'another address has its own allowance');
    assert.equal(limiter.take('a', 334), 0);
    assert.ok(limiter.take('a', 334) > 0);
  });

  it('forgets addresses once their allowance is full again, and holds no more than its bound', () => {
    const limiter = new AddressRateLimiter(2, 1000, 0, 50);
    for (let i = 0; i < 40; i++) limiter.take(`10.0.0.${i}`, 0);
    assert.equal(limiter.size, 40);
    limiter.take('10.0.1.1', 1000);
    assert.equal(limiter.size, 1, 'the idle ones dropped');
    for (let i = 0; i < 200; i++) limiter.take(`10.1.0.${i}`, 1000);
    assert.equal(limiter.size, 50);
  });

  it('counts IPv4-mapped addresses as IPv4 and an IPv6 address by its /64', () => {
    assert.equal(addressKey('127.0.0.1'), '127.0.0.1');
    assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('0000:0000:0000:0000:0000:ffff:c000:0207'), '192.0.2.7');
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });

  it('matches exempt addresses and subnets of both families', () => {
    const list = addressList(['127.0.0.0/8', '::1', '2001:db8::/32']);
    assert.ok(listed(list, '127.0.0.1'));
    assert.ok(listed(list, '::ffff:127.0.0.2'));
    assert.ok(listed(list, '::1'));
    assert.ok(listed(list, '2001:db8:5::1'));
    assert.ok(!listed(list, '10.0.0.1'));
    assert.ok(!listed(list, '::2'));
    assert.ok(!listed(addressList([]), '127.0.0.1'));
  });
});
