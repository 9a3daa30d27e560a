// The burger factory's engine, in the page: the forward and the backward pass for any knobs,
// computed as PyTorch computes them (the same operations, in the same order, in doubles as
// torch's float64), and the epilogue's gradient descent.  micrograd-size: each operation's
// backward (its local derivatives) sits beside its forward.  No framework, no request.
// The panel (factory-panel.js) shows what it computes; tests/js/ tests it with `node --test`;
// the browser tests check it against torch (burger_factory/explore.py).
(function (root) {
  "use strict";

  // A number in the factory, what it was made from, and the gradient that reaches it.
  class Value {
    constructor(data, name, { inputs = [], op = "", locals = [], requiresGrad = false } = {}) {
      this.data = data;
      this.name = name; // the panel's key: "u", "diff" (y − y_target), "loss", ...
      this.inputs = inputs;
      this.op = op; // torch's name for the node that computes it, e.g. "MulBackward0"
      this.locals = locals; // d this / d each input: the operation's backward
      this.requiresGrad = requiresGrad || inputs.some((q) => q.requiresGrad);
      this.grad = 0;
    }

    // a · b; its backward: d/da = b, d/db = a
    mul(other, name) {
      return new Value(this.data * other.data, name,
        { inputs: [this, other], op: "MulBackward0", locals: [other.data, this.data] });
    }

    // a − b; its backward: d/da = 1, d/db = −1
    sub(other, name) {
      return new Value(this.data - other.data, name,
        { inputs: [this, other], op: "SubBackward0", locals: [1, -1] });
    }

    // a²; its backward: d/da = 2a
    square(name) {
      return new Value(this.data * this.data, name,
        { inputs: [this], op: "PowBackward0", locals: [2 * this.data] });
    }

    // The backward pass from this value: each node, once every node it feeds has handed it
    // its gradient, multiplies that gradient by each local derivative and hands the product
    // on to the input (only to inputs that need a gradient, as torch does).
    backward() {
      const order = [];
      const seen = new Set();
      const visit = (q) => {
        if (seen.has(q)) return;
        seen.add(q);
        q.inputs.forEach(visit);
        order.push(q);
      };
      visit(this);
      this.grad = 1;
      for (const q of order.reverse()) {
        q.inputs.forEach((input, i) => {
          if (input.requiresGrad) input.grad += q.grad * q.locals[i];
        });
      }
    }
  }

  // One run of the factory and its loss against the order, and the backward pass: every
  // quantity by its key.
  function factory({ w, v, x, target }) {
    const knobW = new Value(w, "w", { requiresGrad: true });
    const knobV = new Value(v, "v", { requiresGrad: true });
    const beef = new Value(x, "x");
    const order = new Value(target, "target");
    const u = knobW.mul(beef, "u"); // machine A
    const y = knobV.mul(u, "y"); // machine B
    const diff = y.sub(order, "diff"); // y − y_target
    const loss = diff.square("loss"); // (y − y_target)²
    loss.backward();
    return { w: knobW, v: knobV, x: beef, target: order, u, y, diff, loss };
  }

  // Every number a panel may show, by its key: each quantity ("u"), the gradient that reached
  // it ("dloss_du"), and each row of the backward pass walked in torch's ``order`` (recorded
  // at build time): "step3_local", "step3_upstream", "step3_product".
  function numbers(knobs, order) {
    const run = factory(knobs);
    const shown = {};
    for (const [key, q] of Object.entries(run)) {
      shown[key] = q.data;
      if (q.requiresGrad) shown[`dloss_d${key}`] = q.grad;
    }
    steps(run, order).forEach((row, r) => {
      for (const part of ["local", "upstream", "product"]) {
        if (row[part] !== null) shown[`step${r}_${part}`] = row[part];
      }
    });
    return shown;
  }

  // The backward pass's rows, in torch's order: a node passes upstream × local = product to
  // each input it has a gradient for; AccumulateGrad stores what reached a knob.
  function steps(run, order) {
    const rows = [];
    order.forEach((visit, i) => {
      const at = run[visit.at];
      if (visit.to.length === 0) {
        rows.push({ visit: i, to: visit.at, local: null, upstream: at.grad, product: null });
      }
      for (const to of visit.to) {
        const local = at.locals[at.inputs.findIndex((q) => q.name === to)];
        rows.push({ visit: i, to, local, upstream: at.grad, product: at.grad * local });
      }
    });
    return rows;
  }

  // The epilogue's loop: forward, error, backward, each knob turned against its gradient;
  // until the order is filled (y within ``tolerance`` of it), or the loss grows past
  // ``limit`` times where it started or beyond what a double holds ("diverged"), or after
  // ``most`` steps ("unfinished").  history: w, v, y and the loss at each step.
  function descent({ w, v, x, target }, lr, tolerance, most, limit) {
    const history = [];
    let outcome = "unfinished";
    for (let i = 0; i < most; i++) {
      const run = factory({ w, v, x, target });
      const now = [w, v, run.y.data, run.loss.data];
      history.push(now);
      if (!now.every(Number.isFinite) || now[3] > limit * history[0][3]) {
        outcome = "diverged";
        break;
      }
      if (Math.abs(now[2] - target) < tolerance) {
        outcome = "filled";
        break;
      }
      w -= lr * run.w.grad;
      v -= lr * run.v.grad;
    }
    return { outcome, steps: history.length - 1, history };
  }

  // A number as the book writes it: Python's format(x, ".10g") (12, not 12.0; 1e+20), with
  // no sign on zero.  Ten significant digits: within 5e-10 of the double.
  function format(x) {
    if (x === 0) return "0";
    if (!Number.isFinite(x)) return String(x);
    const [mantissa, exponent] = x.toExponential(9).split("e");
    const e = Number(exponent);
    if (e < -4 || e >= 10) {
      const digits = mantissa.replace(/\.?0+$/, "");
      return `${digits}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
    }
    const fixed = x.toFixed(9 - e);
    return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  }

  // What a reader typed, read as a number: {value}, or {error}: "empty", "nan" (not a
  // number), "large" (beyond what a double holds).  Digits, a point, a sign, an exponent;
  // spaces around it, and the minus sign "−", are allowed.
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  function parse(text) {
    const typed = String(text).trim().replace(/^\u2212/, "-");
    if (typed === "") return { error: "empty" };
    if (!NUMBER.test(typed)) return { error: "nan" };
    const value = Number(typed);
    if (!Number.isFinite(value)) return { error: "large" };
    return { value: value === 0 ? 0 : value };
  }

  const engine = { Value, factory, numbers, steps, descent, format, parse };
  if (typeof module === "object" && module.exports) module.exports = engine;
  else root.BurgerFactory = engine;
})(this);
