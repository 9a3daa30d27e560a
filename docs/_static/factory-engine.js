// The factory's engine: the forward and backward pass for any knobs as PyTorch computes them
// (the same operations in the same order, in doubles like torch's float64). micrograd-size:
// each operation's backward (its local derivatives) beside its forward. Tested by tests/js/,
// and against torch by tests/test_factory_engine.py.
(function (root) {
  "use strict";

  // A number in the factory, what made it, and the gradient that reaches it.
  class Value {
    constructor(data, name, inputs = [], op = "", locals = []) {
      this.data = data;
      this.name = name;
      this.inputs = inputs;
      this.op = op; // torch's name for the node that computes it
      this.locals = locals; // d this / d each input: the operation's backward
      this.requiresGrad = false; // a knob sets its own; what is made from one needs one too
      for (const q of inputs) this.requiresGrad ||= q.requiresGrad;
      this.grad = 0;
    }

    mul(b, name) { // a·b: d/da = b, d/db = a
      return new Value(this.data * b.data, name, [this, b], "MulBackward0", [b.data, this.data]);
    }

    sub(b, name) { // a − b: d/da = 1, d/db = −1
      return new Value(this.data - b.data, name, [this, b], "SubBackward0", [1, -1]);
    }

    square(name) { // a²: d/da = 2a
      return new Value(this.data * this.data, name, [this], "PowBackward0", [2 * this.data]);
    }

    // Backward from here: each node, once all it feeds have handed it their gradient,
    // passes gradient × local derivative on to each input that needs one (as torch does).
    backward() {
      const order = [];
      topological(this, order);
      this.grad = 1;
      for (let k = order.length - 1; k >= 0; k--) {
        const { inputs, locals, grad } = order[k];
        for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) inputs[i].grad += grad * locals[i];
      }
    }
  }

  // Each value after all it is made from.
  function topological(q, order) {
    if (order.includes(q)) return;
    for (const input of q.inputs) topological(input, order);
    order.push(q);
  }

  const knob = (data, name) => Object.assign(new Value(data, name), { requiresGrad: true });

  // The factory and its loss against the order, after backward(): each value by its key.
  function factory({ w, v, x, target }) {
    const knobW = knob(w, "w");
    const knobV = knob(v, "v");
    const beef = new Value(x, "x");
    const order = new Value(target, "target");
    const u = knobW.mul(beef, "u"); // machine A
    const y = knobV.mul(u, "y"); // machine B
    const diff = y.sub(order, "diff"); // y − y_target
    const loss = diff.square("loss");
    loss.backward();
    return { w: knobW, v: knobV, x: beef, target: order, u, y, diff, loss };
  }

  // The backward pass's rows in the order torch ran the nodes (recorded at build time): a
  // node passes upstream × local = product on; AccumulateGrad stores what came.
  function steps(run, order) {
    return order.flatMap((visit, i) => {
      const at = run[visit.at];
      if (!visit.to.length) return [{ visit: i, to: visit.at, local: null, upstream: at.grad, product: null }];
      return visit.to.map((to) => {
        const local = at.locals[at.inputs.findIndex((q) => q.name === to)];
        return { visit: i, to, local, upstream: at.grad, product: at.grad * local };
      });
    });
  }

  // Every number a panel may show, by its key: "u", "dloss_du" (the gradient that reached
  // u), "step3_local", "step3_upstream", "step3_product".
  function numbers(knobs, order) {
    const run = factory(knobs);
    const shown = {};
    for (const [key, q] of Object.entries(run)) {
      shown[key] = q.data;
      if (q.requiresGrad) shown[`dloss_d${key}`] = q.grad;
    }
    steps(run, order).forEach((row, r) => {
      for (const part of ["local", "upstream", "product"]) if (row[part] !== null) shown[`step${r}_${part}`] = row[part];
    });
    return shown;
  }

  // A number as the book writes it: Python's format(x, ".10g") (12, not 12.0; 1e+20), zero
  // unsigned. Ten significant digits: within 5e-10 of the double.
  function format(x) {
    if (x === 0 || !Number.isFinite(x)) return String(x === 0 ? 0 : x);
    const [digits, exponent] = x.toExponential(9).split("e");
    const e = Number(exponent);
    if (e < -4 || e >= 10) return `${digits.replace(/\.?0+$/, "")}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
    const fixed = x.toFixed(9 - e);
    return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  }

  // What a reader typed: {value}, or {error}: "empty", "nan" (not a number), "large" (past a
  // double). Digits, a point, a sign (- or −), an exponent.
  function parse(text) {
    const typed = String(text).trim().replace(/^\u2212/, "-");
    if (!typed) return { error: "empty" };
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(typed)) return { error: "nan" };
    const value = Number(typed);
    return Number.isFinite(value) ? { value: value || 0 } : { error: "large" };
  }

  const engine = { Value, factory, steps, numbers, format, parse };
  if (typeof module === "object" && module.exports) module.exports = engine;
  else root.BurgerFactory = engine;
})(this);
