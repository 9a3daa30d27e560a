// The epilogue's gradient descent, replayed from the reader's knobs by its panel
// (factory-panel.js): its end said, its curves drawn; a descent that diverges is said so, and
// not drawn.  Only on the page that has a replay.  The loop is the epilogue's, each step the
// engine's forward and backward pass (factory-engine.js); tests/js/ tests it in Node.
(function (engine) {
  "use strict";

  // Until y is within tolerance of the order ("filled"), the loss grows past limit × where it
  // started or past a double ("diverged"), or `most` steps have passed ("unfinished").
  engine.descent = function descent({ w, v, x, target }, lr, tolerance, most, limit) {
    const history = [];
    let outcome = "unfinished";
    for (let i = 0; i < most; i++) {
      const run = engine.factory({ w, v, x, target });
      const now = [w, v, run.y.data, run.loss.data];
      history.push(now);
      if (!now.every(Number.isFinite) || now[3] > limit * history[0][3]) outcome = "diverged";
      else if (Math.abs(now[2] - target) < tolerance) outcome = "filled";
      if (outcome !== "unfinished") break;
      w -= lr * run.w.grad; // each knob turned against its gradient
      v -= lr * run.v.grad;
    }
    return { outcome, steps: history.length - 1, history };
  };
  if (typeof document === "undefined") return; // Node: the loop only

  const COLOURS = ["#1f77b4", "#e8710a", "", "#d62728"]; // w, v, -, the loss
  let phone;

  // The loss, and below it knobs w and v, step by step.
  function chart(svg, history, axis) {
    const [width, left, top, height] = [640, 64, 14, 128];
    let drawn = 0; // the chart's elements are the same each time: drawn again, not made again
    const draw = (name, attributes, text) => {
      const element = svg.children[drawn++] || svg.appendChild(document.createElementNS("http://www.w3.org/2000/svg", name));
      for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
      if (text !== undefined) element.textContent = text;
    };
    const across = (i) => left + (width - left - 16) * (history.length > 1 ? i / (history.length - 1) : 1);
    const short = (value) => engine.format(Number(value.toPrecision(3)));
    const per = Math.ceil(history.length / 160); // the steps a point of the curve stands for
    const size = (phone ??= matchMedia("(max-width: 40em)").matches) ? 24 : 13; // a phone shows it at half size
    svg.setAttribute("style", `display: block; width: 100%; height: auto; font-size: ${size}px; fill: currentColor`);
    [[3], [0, 1]].forEach((columns, panel) => {
      const y0 = top + panel * (height + 34);
      let low = panel ? Infinity : 0;
      let high = -Infinity;
      for (const h of history) {
        for (const c of columns) {
          low = Math.min(low, h[c]);
          high = Math.max(high, h[c]);
        }
      }
      if (!(high > low)) high = low + 1;
      const down = (value) => Math.round((y0 + height * (high - value) / (high - low)) * 10) / 10;
      draw("path", { d: `M${left},${y0}V${y0 + height}H${width - 16}`, fill: "none", stroke: "currentColor", "stroke-opacity": 0.5 });
      draw("text", { x: left - 6, y: y0 + 4, "text-anchor": "end" }, short(high));
      draw("text", { x: left - 6, y: y0 + height, "text-anchor": "end" }, short(low));
      for (const c of columns) {
        const steps = [0]; // each step; in a long run, the first, the last, and of each few the extremes
        for (let i = 0; i < history.length; i += per) {
          let [lowest, highest] = [i, i];
          for (let j = i; j < Math.min(i + per, history.length); j++) {
            if (history[j][c] < history[lowest][c]) lowest = j;
            if (history[j][c] > history[highest][c]) highest = j;
          }
          steps.push(Math.min(lowest, highest), Math.max(lowest, highest));
        }
        steps.push(history.length - 1);
        const points = steps.filter((j, k) => j !== steps[k - 1]).map((j) => `${Math.round(across(j) * 10) / 10},${down(history[j][c])}`);
        draw("polyline", { fill: "none", stroke: COLOURS[c], "stroke-width": 2, "data-steps": history.length, points: points.join(" ") });
        draw("text", { fill: COLOURS[c], x: width - 16, y: down(history[history.length - 1][c]) - 6, "text-anchor": "end" },
          ["w", "v", "", "Loss"][c]);
      }
    });
    const bottom = top + 2 * height + 52;
    draw("text", { x: left, y: bottom, "text-anchor": "middle" }, "0");
    draw("text", { x: (left + width) / 2, y: bottom, "text-anchor": "middle" }, axis);
    draw("text", { x: width - 16, y: bottom, "text-anchor": "end" }, String(history.length - 1));
  }

  // What the panel hands over: where to say and draw, its words and ways to write numbers.
  engine.replay = ({ outcome, plot, words, number, fill }, run) => {
    const end = run.history[run.history.length - 1];
    const parts = { steps: number("replay_steps", run.steps), loss: number("replay_loss", end[3]) };
    if (run.outcome === "diverged") parts.loss0 = number("replay_loss0", run.history[0][3]);
    else ["w", "v", "y"].forEach((k, i) => { parts[k] = number(`replay_${k}`, end[i]); });
    outcome.replaceChildren(fill(words[run.outcome], parts));
    if (run.outcome === "diverged") {
      plot.replaceChildren();
      plot.setAttribute("style", "display: none");
      return;
    }
    plot.setAttribute("aria-label", fill(words.chart, { loss0: engine.format(run.history[0][3]),
      loss: engine.format(end[3]), steps: run.steps }).textContent);
    chart(plot, run.history, words.step_axis);
  };
})(typeof module === "object" ? require("./factory-engine.js") : window.BurgerFactory);
