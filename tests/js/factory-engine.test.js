// The page's engine (docs/_static/factory-engine.js, and factory-replay.js's descent), on its own: `node --test tests/js/`
// (tests/test_factory_engine.py runs it, and checks it against torch case by case).
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const engine = require(path.join(__dirname, "..", "..", "docs", "_static", "factory-engine.js"));
require(path.join(__dirname, "..", "..", "docs", "_static", "factory-replay.js")); // engine.descent

const SEED = { w: 3, v: 2, x: 2, target: 10 };
// torch's order of the backward pass, as a page's config carries it (explore.order()).
const ORDER = [
  { node: "PowBackward0", at: "loss", to: ["diff"] }, { node: "SubBackward0", at: "diff", to: ["y"] },
  { node: "MulBackward0", at: "y", to: ["v", "u"] }, { node: "AccumulateGrad", at: "v", to: [] },
  { node: "MulBackward0", at: "u", to: ["w"] }, { node: "AccumulateGrad", at: "w", to: [] },
];

test("the book's factory: its forward pass, loss and gradients", () => {
  const run = engine.factory(SEED);
  assert.deepEqual([run.u.data, run.y.data, run.diff.data, run.loss.data], [6, 12, 2, 4]);
  assert.deepEqual([run.y.grad, run.v.grad, run.u.grad, run.w.grad], [4, 24, 8, 16]);
  assert.equal(run.x.requiresGrad, false, "the beef is given: no gradient");
  assert.equal(run.x.grad, 0);
});

test("each backward row is upstream × local = product, in torch's order", () => {
  const rows = engine.steps(engine.factory(SEED), ORDER);
  assert.deepEqual(rows.map((r) => [r.to, r.local, r.upstream, r.product]), [
    ["diff", 4, 1, 4], ["y", 1, 4, 4], ["v", 6, 4, 24], ["u", 2, 4, 8],
    ["v", null, 24, null], ["w", 2, 8, 16], ["w", null, 16, null]]);
  assert.deepEqual(rows.map((r) => r.visit), [0, 1, 2, 2, 3, 4, 5]);
});

test("every gradient agrees with a finite difference, for many knobs", () => {
  let seed = 14;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 20 - 10;
  for (let i = 0; i < 200; i++) {
    const knobs = { w: random(), v: random(), x: random(), target: 10 * random() };
    const run = engine.factory(knobs);
    for (const knob of ["w", "v"]) {
      const h = 1e-4;
      const at = (d) => engine.factory({ ...knobs, [knob]: knobs[knob] + d }).loss.data;
      const slope = (at(h) - at(-h)) / (2 * h);
      assert.ok(Math.abs(slope - run[knob].grad) <= 1e-5 * Math.max(1, Math.abs(slope)), `${knob}: ${slope} vs ${run[knob].grad}`);
    }
  }
});

test("a value used twice collects both gradients (micrograd's check)", () => {
  const a = Object.assign(new engine.Value(3, "a"), { requiresGrad: true });
  const b = a.mul(a, "b");
  b.backward();
  assert.equal(a.grad, 6);
});

test("numbers(): every key a panel marks", () => {
  const shown = engine.numbers(SEED, ORDER);
  assert.equal(shown.dloss_dw, 16);
  assert.equal(shown.dloss_dloss, 1);
  assert.equal(shown.step2_product, 24);
  assert.equal("step4_local" in shown, false, "AccumulateGrad has no local derivative");
  assert.equal("dloss_dx" in shown, false);
});

test("descent: the first step turns each knob by lr times its gradient", () => {
  const run = engine.descent(SEED, 0.002, 0.01, 1000, 1e6);
  assert.equal(run.outcome, "filled");
  assert.deepEqual(run.history[0], [3, 2, 12, 4]);
  assert.deepEqual(run.history[1].slice(0, 2), [3 - 0.002 * 16, 2 - 0.002 * 24]);
  assert.ok(Math.abs(run.history.at(-1)[2] - 10) < 0.01);
  assert.equal(run.steps, run.history.length - 1);
  for (let i = 1; i < run.history.length; i++) assert.ok(run.history[i][3] < run.history[i - 1][3]);
});

test("descent: too large a learning rate diverges, none at all never gets there", () => {
  const wild = engine.descent(SEED, 0.05, 0.01, 1000, 1e6);
  assert.equal(wild.outcome, "diverged");
  assert.ok(wild.history.at(-1)[3] > 1e6 * 4);
  assert.ok(wild.history.slice(0, -1).every((h) => h[3] <= 1e6 * 4), "it stops at the first step past the limit");
  const still = engine.descent(SEED, 0, 0.01, 1000, 1e6);
  assert.equal(still.outcome, "unfinished");
  assert.equal(still.steps, 999);
  const met = engine.descent({ ...SEED, target: 12 }, 0.002, 0.01, 1000, 1e6);
  assert.deepEqual([met.outcome, met.steps], ["filled", 0]);
});

test("format(): as Python's format(x, '.10g'), zero unsigned", () => {
  const cases = [[12, "12"], [0.1 * 3, "0.3"], [1234567890, "1234567890"], [12345678901, "1.23456789e+10"],
    [1e-5, "1e-05"], [0.0001, "0.0001"], [-4, "-4"], [1e30, "1e+30"], [9.9999999999e9, "1e+10"],
    [2 / 3, "0.6666666667"], [-0, "0"], [123.456, "123.456"], [6.756972983785358e-05, "6.756972984e-05"],
    [-42.5, "-42.5"], [5.61001e+29, "5.61001e+29"]];
  for (const [value, text] of cases) assert.equal(engine.format(value), text, String(value));
});

test("parse(): what a reader types, and what is wrong with it", () => {
  assert.deepEqual(engine.parse(" -2.5 "), { value: -2.5 });
  assert.deepEqual(engine.parse("\u22123"), { value: -3 });
  assert.deepEqual(engine.parse("1e+16"), { value: 1e16 });
  assert.deepEqual(engine.parse(".5"), { value: 0.5 });
  assert.deepEqual(engine.parse("-0"), { value: 0 });
  for (const text of ["", "   "]) assert.deepEqual(engine.parse(text), { error: "empty" });
  for (const text of ["abc", "NaN", "Infinity", "0x10", "1,5", "2..5", "e3", "--1"]) {
    assert.deepEqual(engine.parse(text), { error: "nan" }, text);
  }
  for (const text of ["1e400", "-1e309"]) assert.deepEqual(engine.parse(text), { error: "large" }, text);
});
