// The panel where a reader turns the knobs (markup and config: src/book/explorable.py). Each
// change recomputes the factory (factory-engine.js) and rewrites the numbers of the station's
// graph, formulas and table; it walks the backward pass in torch's order, or replays the
// epilogue's descent (factory-replay.js). The knobs live in the URL.
(() => {
  "use strict";
  const engine = window.BurgerFactory;
  const NS = "http://www.w3.org/2000/svg";
  const $ = (root, selector) => root.querySelector(selector);

  // The page's words, their {names} filled with text or nodes.
  function fill(template, parts) {
    const out = document.createDocumentFragment();
    template.split(/\{(\w+)\}/).forEach((piece, i) => out.append(i % 2 ? parts[piece] : piece));
    return out;
  }

  function write(element, value) {
    const text = engine.format(value);
    if (element.textContent !== text) element.textContent = text;
    element.classList.toggle("bf-neg", value < 0); // an operand in parentheses (CSS)
  }

  // A number the panel writes, marked with what it is.
  function number(key, value, operand) {
    const span = Object.assign(document.createElement("span"), { className: operand ? "bf-n bf-op" : "bf-n" });
    span.dataset.quantity = key;
    write(span, value);
    return span;
  }

  // A quantity's name (y − y_target with its subscript); ∂Loss/∂(it) = a number.
  function symbol(key) {
    return key === "diff" ? fill("y − y{s}", { s: Object.assign(document.createElement("sub"), { textContent: "target" }) })
      : key === "loss" ? "Loss" : key;
  }
  const gradient = (key, value) => fill(key === "diff" ? "∂Loss/∂({s}) = {n}" : "∂Loss/∂{s} = {n}", { s: symbol(key), n: value });

  // The graph: a box's line of text ending in "= number" gets the number in a tspan of its
  // own, marked as the value or (orange) the gradient. The widths of the rest of the line and
  // of a number's characters are read once: turning a knob forces no layout.
  function bindGraph(config) {
    const svg = config.figure && $(document, `#${CSS.escape(config.figure)} svg`);
    const graph = { lines: [], boxes: {} };
    for (const [kind, names] of [["q", config.graph.values], ["m", config.graph.machines]]) {
      for (const [key, name] of Object.entries((svg && names) || {})) {
        const box = (graph.boxes[`${kind}:${key}`] = $(svg, `g[data-node="${name}"]`));
        if (kind === "m" || !box) continue;
        const lines = [];
        for (const el of box.querySelectorAll("text")) { // pieces of a line sit side by side
          const [x, y, size] = ["x", "y", "font-size"].map((a) => Number(el.getAttribute(a) || svg.getAttribute(a)));
          const line = lines[lines.length - 1];
          if (line && x > line[line.length - 1].x && Math.abs(y - line[0].y) < size / 2) line.push({ el, x });
          else lines.push([{ el, x, y }]);
        }
        for (const pieces of lines) {
          const last = pieces[pieces.length - 1].el;
          const found = /\u00a0=\u00a0(\S+)$/.exec(last.textContent);
          if (!found) continue;
          last.textContent = last.textContent.slice(0, found.index + 3);
          const span = last.appendChild(Object.assign(document.createElementNS(NS, "tspan"), { textContent: found[1] }));
          span.dataset.quantity = last.getAttribute("fill") === "#c2410c" ? `dloss_d${key}` : key;
          graph.lines.push({ pieces, last, span, shape: $(box, "rect, path, polygon"), middle: last.getAttribute("text-anchor") === "middle" });
        }
      }
    }
    if (!graph.lines.length) return graph;
    const probes = [..."0123456789.-e+"].map((c) => [c, svg.appendChild( // in the numbers' size
      Object.assign(document.createElementNS(NS, "text"), { textContent: c.repeat(10) }))]);
    const widths = Object.fromEntries(probes.map(([c, probe]) => [c, probe.getComputedTextLength() / 10]));
    const width = (text) => [...text].reduce((sum, c) => sum + (widths[c] || widths[0]), 0);
    for (const line of graph.lines) {
      const rest = line.last.getComputedTextLength() - width(line.span.textContent);
      Object.assign(line, { box: line.shape.getBBox(), length: () => rest + width(line.span.textContent) });
    }
    probes.forEach(([, probe]) => probe.remove());
    return graph;
  }

  // Each line centred in its box, narrowed (textLength) when its number no longer fits.
  function fit(lines) {
    for (const line of lines) {
      const { pieces, last, middle, box } = line;
      const length = line.length();
      if (length === line.placed) continue; // as wide as before: where it is
      line.placed = length;
      const start = pieces[0].x;
      const before = pieces[pieces.length - 1].x - start;
      const scale = Math.min(1, (box.width - 8) / (before + length));
      const left = box.x + (box.width - scale * (before + length)) / 2;
      pieces.forEach((piece, j) => {
        const el = piece.el;
        const set = (name, value) => el.getAttribute(name) !== value && el.setAttribute(name, value);
        if (scale < 1 || el !== last) set("textLength", String(scale * (el === last ? length : pieces[j + 1].x - piece.x)));
        else el.removeAttribute("textLength");
        set("lengthAdjust", "spacingAndGlyphs");
        if (!middle) set("x", String(left + scale * (piece.x - start)));
      });
    }
  }

  function Panel(section) {
    const config = JSON.parse(section.dataset.config);
    const words = config.words;
    const asked = new URLSearchParams(location.search);
    let state = { ...config.seed }; // the last knobs that computed
    let shown; // their numbers
    let at = -1; // the step of the walk shown (-1: none yet)
    let remembering; // the address, about to be updated
    const rows = engine.steps(engine.factory(state), config.order);
    const key = (r, part) => `step${r}_${part}`;
    const graph = bindGraph(config);
    const table = $(document, `#${CSS.escape(config.table || "-")} table`);
    const trs = table ? [...table.tBodies[0].rows] : []; // a row a step
    trs.forEach((tr, r) => ["local", "upstream", "product"].forEach((part, i) => {
      if (rows[r] && rows[r][part] !== null) ($(tr.cells[2 + i], "p") || tr.cells[2 + i]).dataset.quantity = key(r, part);
    }));
    const walk = $(section, ".bf-walk-step");
    const outcome = $(section, ".bf-outcome");
    const plot = $(section, ".bf-chart");
    const switches = [...document.querySelectorAll("p.book-lang-switch a")].map((a) => [a, a.getAttribute("href").split("?")[0]]);
    const fields = {};

    // A field or slider changed. Committed (Enter, leaving it, a slider), a mistake is said
    // on the field; while typing, "-" or "1e" are not mistakes yet.
    function change(knob, text, commit) {
      const read = engine.parse(text);
      const knobs = { ...state, [knob]: read.value };
      const numbers = read.error ? null : engine.numbers(knobs, config.order);
      const problem = read.error || (Object.values(numbers).every(Number.isFinite) ? "" : "overflow");
      if (!commit && read.error) return;
      say(knob, problem && words[problem].replace("{text}", text.trim()));
      if (problem) return;
      if (fields[knob].slider.value !== String(read.value)) fields[knob].slider.value = String(read.value);
      [state, shown] = [knobs, numbers];
      render();
      clearTimeout(remembering); // when the reader pauses
      remembering = setTimeout(remember, 250);
    }

    // What is wrong with a knob's field, said under it (or nothing).
    function say(knob, message) {
      const { field, error } = fields[knob];
      error.textContent = message;
      error.hidden = !message;
      if (message) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    }

    function render() {
      const marked = [...section.querySelectorAll(".bf-formulas [data-quantity]"), ...graph.lines.map((l) => l.span),
        ...trs.flatMap((tr) => [...tr.querySelectorAll("[data-quantity]")])];
      for (const element of marked) write(element, shown[element.dataset.quantity]);
      if (graph.lines.length) fit(graph.lines);
      if (walk) step(at);
      if (outcome) engine.replay({ outcome, plot, words, number, fill }, engine.descent(state, state.lr, config.tolerance, config.most, config.limit));
    }

    // The knobs in the address (none: the book's), which the language switch keeps.
    function remember() {
      const url = new URL(location.href);
      const book = config.knobs.every((knob) => state[knob] === config.seed[knob]);
      for (const knob of config.knobs) book ? url.searchParams.delete(knob) : url.searchParams.set(knob, String(state[knob]));
      if (url.href !== location.href) history.replaceState(history.state, "", url);
      for (const [a, href] of switches) a.setAttribute("href", href + url.search);
    }

    // The backward pass, node by node in torch's order: the node lit (graph, table), and
    // upstream × local = product said in the live region.
    function step(to) {
      to = Math.max(-1, Math.min(to, config.order.length - 1));
      if (to === at && to >= 0) { // the same step, other knobs: only its numbers change
        for (const element of walk.querySelectorAll("[data-quantity]")) write(element, shown[element.dataset.quantity]);
        return;
      }
      at = to;
      for (const lit of document.querySelectorAll(".bf-now")) lit.classList.remove("bf-now");
      $(section, ".bf-previous").setAttribute("aria-disabled", String(at < 0));
      $(section, ".bf-next").setAttribute("aria-disabled", String(at === config.order.length - 1));
      if (at < 0) {
        if (walk.textContent !== words.walk_intro) walk.textContent = words.walk_intro;
        return;
      }
      const visit = config.order[at];
      const mine = rows.map((row, r) => [row, r]).filter(([row]) => row.visit === at);
      const show = (r, part, operand) => number(key(r, part), shown[key(r, part)], operand);
      const said = fill(words.step, { i: at + 1, n: config.order.length });
      const grad = gradient(visit.at, show(mine[0][1], "upstream"));
      if (visit.to.length) {
        said.append(" ", fill(words.machine, { node: visit.node, at: symbol(visit.at), grad }));
        for (const [row, r] of mine) {
          said.append(" ", fill(words.pass, { to: symbol(row.to), upstream: show(r, "upstream"),
            local: show(r, "local", true), product: show(r, "product") }));
        }
      } else said.append(" ", fill(words.store, { node: visit.node, grad, knob: visit.at }));
      graph.boxes[`${visit.to.length ? "m" : "q"}:${visit.at}`]?.classList.add("bf-now");
      for (const [, r] of mine) trs[r]?.classList.add("bf-now");
      walk.replaceChildren(said);
    }

    function reset(remembered) {
      for (const knob of config.knobs) {
        fields[knob].field.value = fields[knob].slider.value = String(config.seed[knob]);
        say(knob, "");
      }
      [state, shown, at] = [{ ...config.seed }, engine.numbers(config.seed, config.order), -1];
      render();
      if (remembered) remember();
    }

    for (const knob of config.knobs) {
      const box = $(section, `[data-knob="${knob}"]`);
      const [field, slider, error] = [".bf-field", ".bf-slider", ".bf-error"].map((s) => $(box, s));
      fields[knob] = { field, slider, error };
      field.addEventListener("input", () => change(knob, field.value, false));
      field.addEventListener("change", () => change(knob, field.value, true));
      slider.addEventListener("input", () => change(knob, (field.value = slider.value), true));
    }
    $(section, ".bf-reset").addEventListener("click", () => reset(true));
    $(section, ".bf-previous")?.addEventListener("click", () => at >= 0 && step(at - 1));
    $(section, ".bf-next")?.addEventListener("click", () => step(at + 1));
    reset(false);
    for (const knob of config.knobs) { // a shared address: each knob as if the reader typed it
      if (asked.has(knob)) change(knob, (fields[knob].field.value = asked.get(knob)), true);
    }
    if (remembering) remember();
    section.hidden = false;
  }

  if (engine) document.querySelectorAll("section.bf-panel[data-config]").forEach(Panel);
})();
