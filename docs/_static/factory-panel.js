// The panel where a reader turns the factory's knobs.  src/book/explorable.py writes its
// markup (hidden until this script runs) and its config: the page's factory, the names of
// its graph's boxes, the order in which torch ran the backward pass, the words in the page's
// language.  Every change recomputes the factory with the engine (factory-engine.js) and
// rewrites, in place, the numbers of the station's graph, its formulas and its table of the
// backward pass; the panel steps through the backward pass in torch's order, or replays the
// epilogue's gradient descent.  The knobs live in the URL (?w=4&v=2&x=2&target=10).
(() => {
  "use strict";
  const engine = window.BurgerFactory;
  const SVG = "http://www.w3.org/2000/svg";
  const PAD = 4; // room kept between a graph box's edge and its text
  const SYMBOLS = { loss: "Loss", diff: "y − y_target", y: "y", u: "u", v: "v", w: "w", x: "x" };

  // A template of the page's words, its {names} filled with text or nodes.
  function fill(template, parts) {
    const out = document.createDocumentFragment();
    template.split(/\{(\w+)\}/).forEach((piece, i) => {
      if (i % 2 === 0) out.append(piece);
      else out.append(parts[piece] ?? `{${piece}}`);
    });
    return out;
  }

  // A number the panel writes, marked with what it is (data-quantity).
  function number(key, value, operand = false) {
    const span = document.createElement("span");
    span.className = operand ? "bf-n bf-operand" : "bf-n";
    span.dataset.quantity = key;
    write(span, value);
    return span;
  }

  function write(element, value) {
    const text = engine.format(value);
    if (element.textContent !== text) element.textContent = text;
    element.classList.toggle("bf-neg", value < 0);
  }

  // A quantity's name as the book writes it: y_target with its subscript.
  function symbol(key) {
    const out = document.createDocumentFragment();
    for (const [i, piece] of SYMBOLS[key].split(/_(\w+)/).entries()) {
      if (i % 2 === 0) out.append(piece);
      else out.append(Object.assign(document.createElement("sub"), { textContent: piece }));
    }
    return out;
  }

  function gradientOf(key, upstream) {
    const out = document.createDocumentFragment();
    out.append("∂Loss/∂", key === "diff" ? "(" : "", symbol(key), key === "diff" ? ")" : "", " = ", upstream);
    return out;
  }

  // The station's graph: each box's lines of text that end in a number, that number in a
  // <tspan data-quantity> of its own, so that only the number is rewritten.
  function bindGraph(config) {
    const svg = config.figure && document.querySelector(`#${CSS.escape(config.figure)} svg`);
    const graph = { lines: [], boxes: {} };
    if (!svg) return graph;
    for (const [kind, names] of Object.entries({ q: config.graph.values || {}, m: config.graph.machines || {} })) {
      for (const [key, name] of Object.entries(names)) {
        const box = svg.querySelector(`g[data-node="${name}"]`);
        if (!box) continue;
        graph.boxes[`${kind}:${key}`] = box;
        if (kind === "m") continue;
        const shape = box.querySelector("path, polygon");
        const lines = [];
        for (const text of box.querySelectorAll("text")) { // pieces of a line: side by side
          const [x, y, size] = ["x", "y", "font-size"].map((a) => Number(text.getAttribute(a)));
          const line = lines[lines.length - 1];
          if (line && x > line[line.length - 1].x0 && Math.abs(y - line[0].y) < size / 2) {
            line.push({ el: text, x0: x, y });
          } else lines.push([{ el: text, x0: x, y }]);
        }
        for (const pieces of lines) {
          const last = pieces[pieces.length - 1].el;
          const found = /\u00a0=\u00a0(\S+)$/.exec(last.textContent);
          if (!found) continue;
          last.textContent = last.textContent.slice(0, found.index + 3);
          const span = document.createElementNS(SVG, "tspan");
          span.dataset.quantity = last.getAttribute("fill") === "#c2410c" ? `dloss_d${key}` : key;
          span.textContent = found[1];
          last.append(span);
          graph.lines.push({ pieces, last, span, shape, anchor: last.getAttribute("text-anchor") });
        }
      }
    }
    return graph;
  }

  // Each line of a box centred in it, and narrowed as a whole if its number no longer fits
  // (textLength).  Written, then measured, then written: one layout, not one a line.
  function fit(lines) {
    for (const line of lines) {
      line.last.removeAttribute("textLength");
      line.last.removeAttribute("lengthAdjust");
    }
    const sizes = lines.map((line) => [line.last.getComputedTextLength(),
      line.room || (line.room = line.shape.getBBox())]);
    lines.forEach((line, i) => {
      const [length, box] = sizes[i];
      const { pieces, last } = line;
      const start = pieces[0].x0;
      const before = pieces[pieces.length - 1].x0 - start; // the pieces ahead of the last
      const scale = Math.min(1, (box.width - 2 * PAD) / (before + length));
      const squeeze = (element, width) => {
        if (scale < 1 || element !== last) element.setAttribute("textLength", (scale * width).toFixed(2));
        if (scale < 1) element.setAttribute("lengthAdjust", "spacingAndGlyphs");
      };
      pieces.slice(0, -1).forEach((piece, j) => squeeze(piece.el, pieces[j + 1].x0 - piece.x0));
      squeeze(last, length);
      if (line.anchor === "middle") return;
      const left = box.x + (box.width - scale * (before + length)) / 2;
      for (const piece of pieces) piece.el.setAttribute("x", (left + scale * (piece.x0 - start)).toFixed(2));
    });
  }

  // Station 5's table of the backward pass: one row a row of torch's steps.
  function bindTable(config, rows) {
    const table = config.table && document.querySelector(`#${CSS.escape(config.table)} table`);
    const trs = table ? [...table.tBodies[0].rows] : [];
    if (trs.length !== rows.length) return [];
    trs.forEach((tr, r) => {
      ["local", "upstream", "product"].forEach((part, i) => {
        if (rows[r][part] === null) return;
        const cell = tr.cells[2 + i];
        (cell.querySelector("p") || cell).dataset.quantity = `step${r}_${part}`;
      });
    });
    return trs;
  }

  function chart(svg, history, words) {
    const [width, left, right, top, height, gap] = [640, 64, 16, 14, 128, 34];
    const n = history.length;
    const across = (i) => left + (width - left - right) * (n > 1 ? i / (n - 1) : 1);
    const make = (name, attributes, text) => {
      const element = document.createElementNS(SVG, name);
      for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
      if (text !== undefined) element.textContent = text;
      svg.append(element);
      return element;
    };
    const short = (value) => engine.format(Number(value.toPrecision(3)));
    svg.replaceChildren();
    [[[3], words.loss, 0], [[0, 1], null, 1]].forEach(([columns, label, panel]) => {
      const y0 = top + panel * (height + gap);
      const values = history.flatMap((h) => columns.map((c) => h[c]));
      let low = Math.min(...values, panel === 0 ? 0 : Infinity);
      let high = Math.max(...values);
      if (high - low < 1e-12 * Math.max(1, Math.abs(high))) { high += 0.5; low -= panel === 0 ? 0 : 0.5; }
      const down = (value) => y0 + height * (high - value) / (high - low);
      make("path", { d: `M${left},${y0}V${y0 + height}H${width - right}`, fill: "none",
        stroke: "currentColor", "stroke-opacity": "0.5" });
      make("text", { x: left - 6, y: y0 + 4, "text-anchor": "end" }, short(high));
      make("text", { x: left - 6, y: y0 + height, "text-anchor": "end" }, short(low));
      columns.forEach((column, j) => {
        const points = history.map((h, i) => `${across(i).toFixed(1)},${down(h[column]).toFixed(1)}`);
        const line = make("polyline", { points: points.join(" "), fill: "none",
          class: `bf-curve bf-curve-${["w", "v", "", "loss"][column]}` });
        line.dataset.points = String(n);
        make("text", { x: width - right, y: down(history[n - 1][column]) - 6, "text-anchor": "end",
          class: `bf-curve-label bf-curve-${["w", "v", "", "loss"][column]}` },
        label || ["w", "v"][j]);
      });
    });
    const bottom = top + 2 * height + gap;
    make("text", { x: left, y: bottom + 18, "text-anchor": "middle" }, "0");
    make("text", { x: width - right, y: bottom + 18, "text-anchor": "end" }, String(n - 1));
    make("text", { x: (left + width - right) / 2, y: bottom + 18, "text-anchor": "middle" }, words.step_axis);
  }

  function Panel(section) {
    const config = JSON.parse(section.dataset.config);
    const words = { ...config.words, loss: "Loss" };
    let state = { ...config.seed }; // the last good knobs
    let shown = null; // what the engine computed for them
    let at = -1; // the step of the backward pass shown (-1: none)
    const rows = engine.steps(engine.factory(state), config.order);
    const graph = bindGraph(config);
    const table = bindTable(config, rows);
    const walk = section.querySelector(".bf-walk");
    const outcome = section.querySelector(".bf-outcome");
    const plot = section.querySelector(".bf-chart");
    const switches = [...document.querySelectorAll("p.book-lang-switch a")].map((a) => [a, a.getAttribute("href").split("?")[0]]);

    const fields = {};
    for (const knob of config.knobs) {
      const box = section.querySelector(`.bf-knob[data-knob="${knob}"]`);
      const field = box.querySelector(".bf-field");
      const slider = box.querySelector(".bf-slider");
      const error = box.querySelector(".bf-error");
      fields[knob] = { field, slider, error };
      field.addEventListener("input", () => change(knob, field.value, false));
      field.addEventListener("change", () => change(knob, field.value, true));
      slider.addEventListener("input", () => {
        field.value = slider.value;
        change(knob, slider.value, true);
      });
    }

    // The numbers for some knobs, or null when they overflow what a double holds.
    function compute(knobs) {
      const numbers = engine.numbers(knobs, config.order);
      return Object.values(numbers).every(Number.isFinite) ? numbers : null;
    }

    function complain(knob, message) {
      const { field, error } = fields[knob];
      error.textContent = message;
      error.hidden = false;
      field.setAttribute("aria-invalid", "true");
    }

    function content(knob) {
      const { field, error } = fields[knob];
      error.hidden = true;
      error.textContent = "";
      field.removeAttribute("aria-invalid");
    }

    // A knob's field or slider changed (commit: the reader is done with it, so a mistake is
    // said; while typing, "-" or "1e" on the way to a number are not mistakes yet).
    function change(knob, text, commit) {
      const read = engine.parse(text);
      if (read.error) {
        if (commit) complain(knob, words[read.error].replace("{text}", text.trim()));
        return;
      }
      const knobs = { ...state, [knob]: read.value };
      const numbers = compute(knobs);
      if (!numbers) {
        complain(knob, words.overflow);
        return;
      }
      content(knob);
      fields[knob].slider.value = String(read.value);
      state = knobs;
      shown = numbers;
      render();
      remember();
    }

    function render() {
      for (const element of section.querySelectorAll(".bf-formulas [data-quantity]")) {
        write(element, shown[element.dataset.quantity]);
      }
      for (const line of graph.lines) write(line.span, shown[line.span.dataset.quantity]);
      if (graph.lines.length) fit(graph.lines);
      for (const cell of table.flatMap((tr) => [...tr.querySelectorAll("[data-quantity]")])) {
        write(cell, shown[cell.dataset.quantity]);
      }
      if (walk) step(at);
      if (outcome) replay();
    }

    // The knobs in the address (none when they are the book's), and the language switch
    // keeps them.
    function remember() {
      const url = new URL(location.href);
      const book = config.knobs.every((knob) => state[knob] === config.seed[knob]);
      for (const knob of config.knobs) {
        if (book) url.searchParams.delete(knob);
        else url.searchParams.set(knob, String(state[knob]));
      }
      if (url.href !== location.href) history.replaceState(history.state, "", url);
      for (const [a, href] of switches) a.setAttribute("href", href + url.search);
    }

    // The backward pass, node by node in the order torch ran it: the node lit up in the
    // graph (and its rows in the table), and upstream × local = product said in words.
    function step(to) {
      at = Math.max(-1, Math.min(to, config.order.length - 1));
      for (const lit of document.querySelectorAll(".bf-now")) lit.classList.remove("bf-now");
      const said = walk.querySelector(".bf-walk-step");
      walk.querySelector(".bf-previous").setAttribute("aria-disabled", String(at < 0));
      walk.querySelector(".bf-next").setAttribute("aria-disabled", String(at >= config.order.length - 1));
      if (at < 0) {
        if (said.textContent !== words.walk_intro) said.textContent = words.walk_intro;
        return;
      }
      const visit = config.order[at];
      const mine = rows.map((row, r) => [row, r]).filter(([row]) => row.visit === at);
      const [, first] = mine[0];
      const upstream = () => number(`step${first}_upstream`, shown[`step${first}_upstream`]);
      const text = fill(words.step, { i: String(at + 1), n: String(config.order.length) });
      text.append(" ");
      if (visit.to.length === 0) {
        text.append(fill(words.store, { node: visit.node, grad: gradientOf(visit.at, upstream()), knob: visit.at }));
        graph.boxes[`q:${visit.at}`]?.classList.add("bf-now");
      } else {
        text.append(fill(words.machine, { node: visit.node, at: symbol(visit.at), grad: gradientOf(visit.at, upstream()) }));
        for (const [row, r] of mine) {
          text.append(" ", fill(words.pass, { to: symbol(row.to), upstream: upstream(),
            local: number(`step${r}_local`, shown[`step${r}_local`], true),
            product: number(`step${r}_product`, shown[`step${r}_product`]) }));
        }
        graph.boxes[`m:${visit.at}`]?.classList.add("bf-now");
      }
      for (const [, r] of mine) table[r]?.classList.add("bf-now");
      said.replaceChildren(text);
    }

    // The epilogue's loop, run again from the reader's knobs: its end said, and its curves
    // drawn; a descent that diverges is said so, and not drawn.
    function replay() {
      const run = engine.descent(state, state.lr, config.tolerance, config.most, config.limit);
      const [w, v, y, loss] = run.history[run.history.length - 1];
      const loss0 = run.history[0][3];
      outcome.replaceChildren(fill(words[run.outcome], {
        steps: number("replay_steps", run.steps), w: number("replay_w", w), v: number("replay_v", v),
        y: number("replay_y", y), loss: number("replay_loss", loss), loss0: number("replay_loss0", loss0) }));
      const diverged = run.outcome === "diverged";
      plot.style.display = diverged ? "none" : "";
      if (diverged) {
        plot.replaceChildren();
        return;
      }
      plot.setAttribute("aria-label", fill(words.chart, { loss0: engine.format(loss0),
        loss: engine.format(loss), steps: String(run.steps) }).textContent);
      chart(plot, run.history, words);
    }

    function reset(remembered = true) {
      for (const knob of config.knobs) {
        fields[knob].field.value = String(config.seed[knob]);
        fields[knob].slider.value = String(config.seed[knob]);
        content(knob);
      }
      state = { ...config.seed };
      shown = compute(state);
      at = -1;
      render();
      if (remembered) remember();
    }

    section.querySelector(".bf-reset").addEventListener("click", () => reset());
    if (walk) {
      walk.querySelector(".bf-previous").addEventListener("click", () => at >= 0 && step(at - 1));
      walk.querySelector(".bf-next").addEventListener("click", () => at < config.order.length - 1 && step(at + 1));
    }
    reset(false);
    // The knobs a shared address sets, each as if the reader had typed it.
    const asked = new URLSearchParams(location.search);
    for (const knob of config.knobs) {
      if (!asked.has(knob)) continue;
      fields[knob].field.value = asked.get(knob);
      change(knob, asked.get(knob), true);
    }
    section.hidden = false;
  }

  if (engine) for (const section of document.querySelectorAll("section.bf-panel[data-config]")) Panel(section);
})();
