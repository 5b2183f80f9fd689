"use strict";
// optiroll's interactive figure. Every number comes from the data optiroll wrote into this page
// (the trajectories optim/ ran, one set per learning-rate factor); the page draws and formats
// them and computes no optimizer rule.
(() => {
  const data = JSON.parse(document.getElementById("optiroll-data").textContent);
  const W = data.words;
  const NS = "http://www.w3.org/2000/svg";
  const steps = data.experiment.steps;
  const factors = data.lr_grid.factors;
  const [xMin, xMax, yMin, yMax] = data.window;
  const DIGITS = data.display_digits;
  const SPEEDS = [0.25, 0.5, 1, 2, 4];
  // Room around a plot for tick labels and axis names, in CSS pixels.
  const M = { left: 40, right: 20, top: 18, bottom: 24 };
  const MAX_PLOT_HEIGHT = Math.max(200, data.settings.height - 80);
  const HIT = { mouse: 16, touch: 26 }; // how near a pointer must be to a dot to pick it
  const byId = (id) => document.getElementById(id);
  const ui = {
    counter: byId("counter"), panels: byId("panels"), controls: byId("controls"),
    play: byId("play"), prev: byId("prev"), next: byId("next"), step: byId("step"),
    speed: byId("speed"), lr: byId("lr"), lrValue: byId("lr-value"), readout: byId("readout"),
    detail: byId("detail"), hint: byId("hint"),
  };
  const state = {
    t: 0, lr: data.lr_grid.chosen, playing: false, speed: 1, run: 0, focus: null, last: 0,
  };
  let panels = [];

  const runs = () => data.lr_grid.trajectories[state.lr] || data.trajectories;
  const step = () => Math.floor(state.t + 1e-9);

  // A number as data.py's `display` prints it (Python's format(v, ".4g") but for halves, which
  // go away from zero), with a true minus sign.
  function fmt(v) {
    if (typeof v !== "number" || !Number.isFinite(v)) return "—";
    if (v === 0) return "0";
    const a = Math.abs(v);
    const [mantissa, e] = a.toExponential(DIGITS - 1).split("e");
    const exp = Number(e);
    const trim = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
    const text = exp < -4 || exp >= DIGITS
      ? `${trim(mantissa)}e${exp < 0 ? "−" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`
      : trim(a.toFixed(DIGITS - 1 - exp));
    return (v < 0 ? "−" : "") + text;
  }
  const pair = (p) => (p ? `(${fmt(p[0])}, ${fmt(p[1])})` : "—");
  const factorText = (f) => `×${f}`;

  function svg(name, attrs, parent) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  // The point of a run at fractional step t, on the straight segment between two steps.
  function position(run, t) {
    const p = run.points;
    const last = p.length - 1;
    const c = Math.min(Math.max(t, 0), last);
    const k = Math.min(Math.floor(c), Math.max(last - 1, 0));
    const f = c - k;
    return last === 0 ? p[0] : [p[k][0] + (p[k + 1][0] - p[k][0]) * f,
                                p[k][1] + (p[k + 1][1] - p[k][1]) * f];
  }
  const inside = (p) => p[0] >= xMin && p[0] <= xMax && p[1] >= yMin && p[1] <= yMax;

  // ---- layout and the parts that change only with the size or the learning rate ----

  function buildPanels() {
    ui.panels.textContent = "";
    ui.panels.style.setProperty("--columns", data.columns);
    panels = data.panels.map((spec, index) => {
      const fig = document.createElement("figure");
      fig.className = "panel";
      let caption = null;
      if (spec.title) {
        caption = document.createElement("figcaption");
        fig.appendChild(caption);
      }
      ui.panels.appendChild(fig);
      return { spec, index, fig, caption, svg: null };
    });
    layout();
  }

  function layout() {
    const aspect = data.settings.equal_scale ? (xMax - xMin) / (yMax - yMin) : 16 / 10;
    for (const panel of panels) {
      const room = Math.max(120, panel.fig.clientWidth - M.left - M.right);
      let pw = room;
      let ph = pw / aspect;
      if (ph > MAX_PLOT_HEIGHT) [ph, pw] = [MAX_PLOT_HEIGHT, MAX_PLOT_HEIGHT * aspect];
      panel.size = { pw, ph, w: Math.round(M.left + pw + M.right), h: Math.round(M.top + ph + M.bottom) };
      panel.sx = (x) => M.left + ((x - xMin) / (xMax - xMin)) * pw;
      panel.sy = (y) => M.top + ((yMax - y) / (yMax - yMin)) * ph;
      drawStatic(panel);
    }
    drawRuns();
  }

  function pathData(panel, points) {
    return points.map((p, i) => `${i ? "L" : "M"}${panel.sx(p[0]).toFixed(1)} ${panel.sy(p[1]).toFixed(1)}`).join("");
  }

  function drawStatic(panel) {
    const { pw, ph, w, h } = panel.size;
    if (panel.svg) panel.svg.remove();
    const root = svg("svg", { width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: "img" });
    panel.fig.appendChild(root);
    panel.svg = root;
    const clip = `optiroll-clip-${panel.index}`;
    svg("rect", { x: M.left, y: M.top, width: pw, height: ph }, svg("clipPath", { id: clip }, root));
    const plot = svg("g", { "clip-path": `url(#${clip})` }, root);
    for (const level of data.contours) {
      const d = level.lines.map((flat) => {
        const points = [];
        for (let i = 0; i < flat.length; i += 2) points.push([flat[i], flat[i + 1]]);
        return pathData(panel, points);
      }).join("");
      svg("path", { d, fill: "none", stroke: level.color, "stroke-width": 1.2, "stroke-linejoin": "round" }, plot);
    }
    svg("rect", { x: M.left, y: M.top, width: pw, height: ph, fill: "none", stroke: "var(--frame)", "stroke-width": 1 }, root);
    const bottom = M.top + ph;
    for (const [value, text] of data.ticks.x) {
      const x = panel.sx(value);
      svg("line", { x1: x, x2: x, y1: bottom, y2: bottom + 4, stroke: "var(--frame)" }, root);
      svg("text", { x, y: bottom + 17, "text-anchor": "middle", class: "tick" }, root).textContent = text;
    }
    for (const [value, text] of data.ticks.y) {
      const y = panel.sy(value);
      svg("line", { x1: M.left - 4, x2: M.left, y1: y, y2: y, stroke: "var(--frame)" }, root);
      svg("text", { x: M.left - 7, y: y + 4.5, "text-anchor": "end", class: "tick" }, root).textContent = text;
    }
    svg("text", { x: M.left + pw + 8, y: bottom + 5, class: "tick" }, root).textContent = "x";
    svg("text", { x: M.left, y: M.top - 5, "text-anchor": "middle", class: "tick" }, root).textContent = "y";
    panel.ghost = svg("g", { "clip-path": `url(#${clip})` }, root);
    panel.trail = svg("g", { "clip-path": `url(#${clip})` }, root);
    const [sx0, sy0] = data.markers.start;
    const ring = svg("circle", { cx: panel.sx(sx0), cy: panel.sy(sy0), r: 6, fill: "none", stroke: "var(--text)", "stroke-width": 1.5 }, root);
    svg("title", {}, ring).textContent = W.start;
    panel.balls = svg("g", { "clip-path": `url(#${clip})` }, root);
    // Above the balls, so a ball never hides the minimum.
    panel.top = svg("g", {}, root);
    for (const [mx, my] of data.markers.minima) marker(panel, mx, my, "+", W.minimum);
    for (const [mx, my] of data.markers.saddles) marker(panel, mx, my, "×", W.saddle);
    panel.focusRing = svg("circle", { r: 6.5, fill: "none", stroke: "var(--text)", "stroke-width": 2, visibility: "hidden" }, panel.top);
    root.addEventListener("pointermove", (e) => pick(panel, e));
    root.addEventListener("pointerdown", (e) => pick(panel, e));
    root.addEventListener("pointerleave", (e) => {
      if (e.pointerType === "mouse") setFocus(null);
    });
  }

  function marker(panel, x, y, shape, name) {
    const cx = panel.sx(x);
    const cy = panel.sy(y);
    const s = 6;
    const d = shape === "+"
      ? `M${cx - s} ${cy}H${cx + s}M${cx} ${cy - s}V${cy + s}`
      : `M${cx - s} ${cy - s}L${cx + s} ${cy + s}M${cx - s} ${cy + s}L${cx + s} ${cy - s}`;
    const g = svg("g", {}, panel.top);
    svg("title", {}, g).textContent = `${name} (${fmt(x)}, ${fmt(y)})`;
    svg("path", { d, stroke: "var(--bg)", "stroke-width": 5, "stroke-linecap": "round" }, g);
    svg("path", { d, stroke: "var(--minimum)", "stroke-width": 2, "stroke-linecap": "round" }, g);
  }

  // The runs of the current learning rate: each one's faded whole path, its trail, dots and ball.
  function drawRuns() {
    const all = runs();
    for (const panel of panels) {
      for (const g of [panel.ghost, panel.trail, panel.balls]) g.textContent = "";
      panel.top.querySelectorAll(".diverged").forEach((n) => n.remove());
      if (panel.caption) panel.caption.textContent = all[panel.spec.runs[0]].title;
      panel.svg.setAttribute("aria-label", panel.spec.runs.map((i) => all[i].title).join(", "));
      panel.marks = panel.spec.runs.map((i) => {
        const run = all[i];
        const color = run.color;
        const ghost = svg("g", { opacity: 0.3 }, panel.ghost);
        svg("path", { d: pathData(panel, run.points), fill: "none", stroke: color, "stroke-width": 1.5, "stroke-linejoin": "round" }, ghost);
        for (const p of run.points) svg("circle", { cx: panel.sx(p[0]), cy: panel.sy(p[1]), r: 1.8, fill: color }, ghost);
        const line = svg("path", { fill: "none", stroke: color, "stroke-width": 2.4, "stroke-linejoin": "round", "stroke-linecap": "round" }, panel.trail);
        const dots = run.points.map((p, k) => svg("circle", { cx: panel.sx(p[0]), cy: panel.sy(p[1]), r: 2.7, fill: color, visibility: "hidden", "data-run": i, "data-step": k }, panel.trail));
        const ball = svg("circle", { r: 7, fill: color, stroke: "var(--bg)", "stroke-width": 1.5, class: "ball" }, panel.balls);
        let diverged = null;
        if (run.exit) {
          diverged = svg("g", { class: "diverged", visibility: "hidden" }, panel.top);
          const ex = panel.sx(run.exit[0]);
          const ey = panel.sy(run.exit[1]);
          const s = 6;
          svg("path", { d: `M${ex - s} ${ey - s}L${ex + s} ${ey + s}M${ex - s} ${ey + s}L${ex + s} ${ey - s}`, stroke: color, "stroke-width": 2.5 }, diverged);
          // The note sits on the side of the plot's centre, so it stays inside the frame.
          const right = ex < M.left + panel.size.pw / 2;
          const below = ey < M.top + panel.size.ph / 2;
          svg("text", { x: ex + (right ? 10 : -10), y: ey + (below ? 20 : -12), "text-anchor": right ? "start" : "end", class: "note", style: `fill:${color}` }, diverged)
            .textContent = W.diverged.replace("{step}", run.diverged_at);
        }
        return { run, index: i, line, dots, ball, diverged, shown: -1 };
      });
    }
  }

  // ---- what changes with the step ----

  function render() {
    const k = step();
    for (const panel of panels) {
      for (const mark of panel.marks) {
        const { run } = mark;
        const last = run.points.length - 1;
        const done = Math.min(k, last);
        const here = position(run, state.t);
        mark.line.setAttribute("d", pathData(panel, [...run.points.slice(0, done + 1), here]));
        if (mark.shown !== done) {
          mark.dots.forEach((dot, i) => dot.setAttribute("visibility", i <= done ? "visible" : "hidden"));
          mark.shown = done;
        }
        mark.ball.setAttribute("cx", panel.sx(here[0]).toFixed(1));
        mark.ball.setAttribute("cy", panel.sy(here[1]).toFixed(1));
        mark.ball.setAttribute("visibility", inside(here) ? "visible" : "hidden");
        if (mark.diverged) mark.diverged.setAttribute("visibility", state.t >= last ? "visible" : "hidden");
      }
    }
    const counter = `${W.step} ${String(k).padStart(String(steps).length)} / ${steps}`;
    ui.counter.textContent = counter;
    ui.step.value = k;
    ui.step.setAttribute("aria-valuetext", counter);
    if (!state.playing) writeHash();
    fillReadout(k);
    fillDetail();
  }

  function buildReadout() {
    const head = ui.readout.createTHead().insertRow();
    for (const text of [W.optimizer, "x", "y", W.loss]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      head.appendChild(th);
    }
    const body = ui.readout.createTBody();
    data.trajectories.forEach((_, i) => {
      const row = body.insertRow();
      row.dataset.run = i;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "run";
      button.addEventListener("click", () => { state.run = i; setFocus(null); });
      row.insertCell().appendChild(button);
      for (const q of ["x", "y", "loss"]) row.insertCell().dataset.q = q;
    });
  }

  function fillReadout(k) {
    const all = runs();
    [...ui.readout.tBodies[0].rows].forEach((row, i) => {
      const run = all[i];
      const at = Math.min(k, run.points.length - 1);
      const button = row.cells[0].firstChild;
      button.innerHTML = "";
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = run.color;
      const name = document.createElement("span");
      name.textContent = run.title;
      if (run.diverged_at !== null && k >= run.points.length - 1) {
        const note = document.createElement("small");
        note.textContent = W.diverged.replace("{step}", run.diverged_at);
        name.appendChild(note);
      }
      button.append(swatch, name);
      button.setAttribute("aria-pressed", String(i === state.run));
      row.cells[1].textContent = fmt(run.points[at][0]);
      row.cells[2].textContent = fmt(run.points[at][1]);
      row.cells[3].textContent = fmt(run.losses[at]);
    });
  }

  // The numbers of one point: the hovered or tapped dot, else the chosen run at the current step.
  function fillDetail() {
    const all = runs();
    const focus = state.focus || { run: state.run, step: step() };
    const run = all[focus.run];
    const at = Math.min(focus.step, run.points.length - 1);
    const parts = [
      [`${W.step} ${at}`, null, null],
      [W.position, pair(run.points[at]), "position"],
      [W.loss, fmt(run.losses[at]), "loss"],
      [W.gradient, pair(run.gradients[at]), "gradient"],
      ...Object.entries(run.quantities).map(([key, rows]) => [W.quantities[key] || key, pair(rows[at]), key]),
    ];
    ui.detail.textContent = "";
    const title = document.createElement("strong");
    title.textContent = run.title;
    ui.detail.append(title);
    for (const [name, value, key] of parts) {
      ui.detail.append(" · ");
      const span = document.createElement("span");
      span.textContent = value === null ? name : `${name} = `;
      if (key) {
        const number = document.createElement("span");
        number.textContent = value;
        number.dataset.q = key;
        span.append(number);
      }
      ui.detail.append(span);
    }
    ui.detail.dataset.run = focus.run;
    ui.detail.dataset.step = at;
    for (const panel of panels) {
      const mark = state.focus && panel.marks.find((m) => m.index === state.focus.run);
      const p = mark && run.points[at];
      panel.focusRing.setAttribute("visibility", p ? "visible" : "hidden");
      if (p) {
        panel.focusRing.setAttribute("cx", panel.sx(p[0]));
        panel.focusRing.setAttribute("cy", panel.sy(p[1]));
      }
    }
  }

  function setFocus(focus) {
    state.focus = focus;
    if (focus) state.run = focus.run;
    fillReadout(step());
    fillDetail();
  }

  // The dot (or ball) nearest the pointer, within reach of a finger or a mouse.
  function pick(panel, event) {
    const box = panel.svg.getBoundingClientRect();
    const scale = panel.size.w / box.width;
    const px = (event.clientX - box.left) * scale;
    const py = (event.clientY - box.top) * scale;
    let best = null;
    let reach = (event.pointerType === "mouse" ? HIT.mouse : HIT.touch) ** 2;
    for (const mark of panel.marks) {
      mark.run.points.forEach((p, i) => {
        if (!inside(p)) return;
        const d = (panel.sx(p[0]) - px) ** 2 + (panel.sy(p[1]) - py) ** 2;
        if (d < reach) { reach = d; best = { run: mark.index, step: i }; }
      });
    }
    if (best || event.type === "pointerdown") setFocus(best);
  }

  // ---- time ----

  function frame(now) {
    if (!state.playing) return;
    const seconds = Math.min(0.1, Math.max(0, now - state.last) / 1000);
    state.last = now;
    state.t = Math.min(steps, state.t + (seconds * state.speed) / data.settings.seconds_per_step);
    if (state.t >= steps) pause();
    render();
    if (state.playing) requestAnimationFrame(frame);
  }

  function play() {
    if (state.playing) return;
    if (step() >= steps) state.t = 0;
    state.playing = true;
    state.last = performance.now();
    showPlaying();
    requestAnimationFrame(frame);
  }

  function pause() {
    if (!state.playing) return;
    state.playing = false;
    state.t = step();
    showPlaying();
    render();
  }

  function showPlaying() {
    ui.play.textContent = state.playing ? `❚❚ ${W.pause}` : `▶ ${W.play}`;
    ui.play.setAttribute("aria-pressed", String(state.playing));
  }

  function go(k) {
    pause();
    state.t = Math.min(Math.max(k, 0), steps);
    render();
  }

  function setLr(index) {
    state.lr = index;
    const single = data.trajectories.length === 1 && runs()[0].lr !== null;
    const text = factorText(factors[index]) + (single ? ` (η = ${runs()[0].lr})` : "");
    ui.lr.value = index;
    ui.lrValue.textContent = text;
    ui.lr.setAttribute("aria-valuetext", `${W.learning_rate} ${text}`);
    drawRuns();
    render();
  }

  // ---- the URL fragment: #step=7&lr=2 (lr is the factor on every learning rate) ----

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const k = Number.parseInt(params.get("step"), 10);
    const f = Number.parseFloat((params.get("lr") || "").replace(/^×|x$/g, ""));
    const lr = factors.findIndex((v) => Math.abs(v - f) < 1e-9);
    return { step: Number.isFinite(k) ? Math.min(Math.max(k, 0), steps) : null, lr: lr >= 0 ? lr : null };
  }

  function writeHash() {
    const hash = `#step=${step()}&lr=${factors[state.lr]}`;
    if (location.hash === hash) return;
    try {
      history.replaceState(null, "", hash);
    } catch (err) {
      // A sandboxed frame may not change its URL; the figure works without.
    }
  }

  function applyHash() {
    const asked = readHash();
    if (asked.lr !== null && asked.lr !== state.lr) setLr(asked.lr);
    if (asked.step !== null) go(asked.step);
  }

  // ---- controls ----

  function setUp() {
    ui.controls.hidden = false;
    ui.prev.setAttribute("aria-label", W.previous);
    ui.next.setAttribute("aria-label", W.next);
    byId("step-label").textContent = W.step;
    byId("speed-label").textContent = W.speed;
    byId("lr-label").textContent = W.learning_rate;
    ui.hint.textContent = W.hint;
    ui.step.max = steps;
    ui.lr.max = factors.length - 1;
    for (const speed of SPEEDS) {
      const option = new Option(factorText(speed), speed, speed === 1, speed === 1);
      ui.speed.add(option);
    }
    ui.play.addEventListener("click", () => (state.playing ? pause() : play()));
    ui.prev.addEventListener("click", () => go(step() - 1));
    ui.next.addEventListener("click", () => go(step() + 1));
    ui.step.addEventListener("input", () => go(Number(ui.step.value)));
    ui.speed.addEventListener("change", () => { state.speed = Number(ui.speed.value); });
    ui.lr.addEventListener("input", () => setLr(Number(ui.lr.value)));
    window.addEventListener("hashchange", applyHash);
    document.addEventListener("keydown", (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest("input, select, textarea")) return;
      const keys = {
        ArrowLeft: () => go(step() - 1),
        ArrowRight: () => go(step() + 1),
        Home: () => go(0),
        End: () => go(steps),
      };
      if (e.key === " " && !e.target.closest("button")) keys[" "] = () => (state.playing ? pause() : play());
      if (!keys[e.key]) return;
      e.preventDefault();
      keys[e.key]();
    });
    // A new width lays the plots out again; a page in a frame tells the frame its height.
    let pending = false;
    new ResizeObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; layout(); render(); });
    }).observe(ui.panels);
    if (window.parent !== window) {
      new ResizeObserver(() => {
        const height = Math.ceil(document.body.getBoundingClientRect().height);
        window.parent.postMessage({ optiroll: "height", height }, "*");
      }).observe(document.body);
    }
  }

  setUp();
  const asked = readHash();
  if (asked.lr !== null) state.lr = asked.lr;
  buildPanels();
  buildReadout();
  setLr(state.lr);
  showPlaying();
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (asked.step !== null) go(asked.step);
  else if (reduced) go(steps); // a still that already shows every path
  else play();
})();
