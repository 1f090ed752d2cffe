import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSpiral, InputError } from "../../src/index.js";

test("the two-arm spiral is the default, and arm 1 is arm 0 negated", () => {
  const a = makeSpiral({ count: 200, seed: 3 });
  const b = makeSpiral({ count: 200, seed: 3, arms: 2 });
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.classNames, ["0", "1"]);
  const c = makeSpiral({ count: 200, seed: 3, noise: 0 });
  for (let r = 0; r < c.n; r++) {
    const rad = Math.hypot(c.x[2 * r], c.x[2 * r + 1]);
    // Arm 0 at angle 2π·turns·r, arm 1 at that angle + π.
    const want = 2 * Math.PI * rad + (c.y[r] === 1 ? Math.PI : 0);
    const got = Math.atan2(c.x[2 * r + 1], c.x[2 * r]);
    const diff = Math.abs(Math.atan2(Math.sin(got - want), Math.cos(got - want)));
    assert.ok(rad < 1e-9 || diff < 1e-9, `row ${r}: angle off by ${diff}`);
  }
});

test("a spiral with m arms rotates arm c by 2π·c/m, cycles the classes, and is reproducible", () => {
  for (const arms of [3, 5]) {
    for (const turns of [1, 1.5]) {
      const ds = makeSpiral({ count: 300, arms, turns, noise: 0, seed: 4 });
      assert.deepEqual(ds.classNames, Array.from({ length: arms }, (_, c) => String(c)));
      for (let r = 0; r < ds.n; r++) {
        assert.equal(ds.y[r], r % arms);
        const rad = Math.hypot(ds.x[2 * r], ds.x[2 * r + 1]);
        assert.ok(rad <= 1 + 1e-12);
        const want = 2 * Math.PI * turns * rad + (2 * Math.PI * ds.y[r]) / arms;
        const got = Math.atan2(ds.x[2 * r + 1], ds.x[2 * r]);
        const diff = Math.abs(Math.atan2(Math.sin(got - want), Math.cos(got - want)));
        assert.ok(rad < 1e-9 || diff < 1e-9, `arms ${arms} turns ${turns} row ${r}: angle off by ${diff}`);
      }
    }
  }
  const a = makeSpiral({ count: 90, arms: 3, seed: 8 });
  assert.deepEqual(a.x, makeSpiral({ count: 90, arms: 3, seed: 8 }).x);
  assert.notDeepEqual(a.x, makeSpiral({ count: 90, arms: 3, seed: 9 }).x);
});

test("bad arm counts are refused with the option's name", () => {
  for (const arms of [1, 2.5, 65, Number.NaN]) {
    assert.throws(() => makeSpiral({ arms }), (e: Error) => e instanceof InputError && /spiral arms/.test(e.message), String(arms));
  }
});
