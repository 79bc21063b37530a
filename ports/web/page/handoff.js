// The lesson's page: the examples, built for the web board (ports/web), on a drawn Pico 2 W.
// No framework, no request off the page's origin. window.HANDOFF_EXAMPLES comes from
// examples.js (generated at build time: names, titles, shipped scenarios).
//
// The contract for tests and for teachers who script demos:
//   - each part has data-pin ("GP14", "GP15", "LED", "GP16") and data-level ("0" or "1");
//   - [data-role=console] holds one element per printed line;
//   - window.handoff.replay(exampleName, scenarioText) runs a scenario in virtual time and
//     resolves to {lines: [[ms, text], ...], changes: [[us, pinName, level], ...], logs, vcd};
//     a bad scenario rejects with the host board's reason, as "line N: reason".
'use strict';
(function () {
  const EXAMPLES = window.HANDOFF_EXAMPLES || [];
  const byName = new Map(EXAMPLES.map((e) => [e.name, e]));
  const WINDOW_US = 10e6; // the timeline shows the last 10 s
  const CONSOLE_MAX = 500; // lines kept in the console element
  const LANE_MAX = 4000; // changes kept per timeline lane

  // The lesson's parts for each example (README, "Wiring").
  const PARTS = {
    'blink': [],
    'polling': ['button14'],
    'irq-toggle': ['button14'],
    'debounced-counter': ['button14'],
    'async-button': ['button14'],
    'async-alert': ['button14'],
    'press-to-alert': ['button14', 'button15', 'buzzer'],
    'alert-cancel': ['button14', 'buzzer'],
    'motion-sensor': ['pir14'],
    'notify': ['button14'],
  };

  const pinName = (pin) => (pin < 0 ? 'LED' : 'GP' + pin);
  const pinNumber = (name) => (name === 'LED' ? -1 : parseInt(name.slice(2), 10));
  const fmtMs = (us) => (us / 1000).toFixed(3);

  // ---- loading the programs -------------------------------------------------------------------

  const scripts = new Map(); // name -> Promise<factory>
  const binaries = new Map(); // name -> Promise<WebAssembly.Module>

  function factoryOf(name) {
    if (!scripts.has(name)) {
      scripts.set(name, new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = name + '.js';
        s.onload = () => resolve(window['handoff_' + name.replace(/-/g, '_')]);
        s.onerror = () => reject(new Error('cannot load ' + s.src));
        document.head.appendChild(s);
      }));
    }
    return scripts.get(name);
  }

  function binaryOf(name) {
    if (!binaries.has(name)) {
      binaries.set(name, fetch(name + '.wasm').then((r) => {
        if (!r.ok) throw new Error('cannot load ' + name + '.wasm: HTTP ' + r.status);
        return r.arrayBuffer();
      }).then((b) => WebAssembly.compile(b)));
    }
    return binaries.get(name);
  }

  // ---- one run of a program -------------------------------------------------------------------

  // A module instance running one program. Time is virtual: the program's sleep asks wait() for
  // a virtual instant and gets back the one reached, paced by `speed` (1, 10 or Infinity).
  class Run {
    constructor(name, opts) {
      this.name = name;
      this.scenario = opts.scenario === undefined ? null : opts.scenario;
      this.speed = opts.speed || Infinity;
      this.on = opts; // line(t, text, isLog), pin(t, pin, level, isOut), show(text), end(err)
      this.inputs = [];
      this.waiter = null;
      this.timer = 0;
      this.lastYield = performance.now();
      this.vnow = 0;
      this.over = false;
      this.module = null;
    }

    async start() {
      const [factory, binary] = await Promise.all([factoryOf(this.name), binaryOf(this.name)]);
      if (typeof factory !== 'function') throw new Error('no program ' + this.name);
      this.module = await factory({
        hf: this,
        instantiateWasm: (imports, receive) => {
          WebAssembly.instantiate(binary, imports).then((inst) => receive(inst));
          return {};
        },
        print: (t) => console.log(t),
        printErr: (t) => console.warn(t),
      });
      return this;
    }

    // Virtual time now, as the page's clock shows it while the program waits.
    now() {
      const w = this.waiter;
      if (!w || this.speed === Infinity) return this.vnow;
      const t = w.now + (performance.now() - w.wall) * 1000 * this.speed;
      return w.target >= 0 ? Math.min(t, w.target) : t;
    }

    // port_web.c's sleep: resolve with the virtual time reached.
    wait(nowUs, targetUs) {
      this.vnow = nowUs;
      return new Promise((resolve) => {
        this.waiter = { now: nowUs, target: targetUs, resolve, wall: performance.now() };
        this.schedule();
      });
    }

    schedule() {
      const w = this.waiter;
      if (!w || this.over) return;
      clearTimeout(this.timer);
      if (this.inputs.length) {
        this.finish(this.now());
      } else if (w.target < 0) {
        // nothing but a press can wake the program
      } else if (this.speed === Infinity) {
        if (performance.now() - this.lastYield > 15) { // let the page draw and take input
          this.timer = setTimeout(() => { this.lastYield = performance.now(); this.finish(w.target); }, 0);
        } else {
          Promise.resolve().then(() => this.finish(w.target));
        }
      } else {
        const ms = (w.target - this.now()) / 1000 / this.speed;
        this.timer = setTimeout(() => this.finish(w.target), Math.min(Math.max(ms, 0), 2 ** 30));
      }
    }

    finish(reached) {
      const w = this.waiter;
      if (!w) return;
      this.waiter = null;
      clearTimeout(this.timer);
      this.vnow = Math.max(w.now, Math.floor(reached));
      w.resolve(this.vnow);
    }

    setSpeed(speed) {
      const w = this.waiter;
      if (w) { w.now = Math.floor(this.now()); w.wall = performance.now(); }
      this.speed = speed;
      this.schedule();
    }

    // A press or release of input `pin` (a number, -1 for the LED) to `level`.
    press(pin, level) {
      if (this.over) return;
      this.inputs.push([pin, level]);
      if (this.waiter) this.finish(this.now());
    }

    stop() {
      this.over = true;
      clearTimeout(this.timer);
      this.waiter = null;
    }

    text(fn, ...args) {
      const m = this.module;
      if (!m) return '';
      const p = m['_' + fn](...args);
      if (!p) throw new Error('out of memory');
      const s = m.UTF8ToString(p);
      m._free(p);
      return s;
    }

    vcd() { return this.text('web_vcd'); }

    // The label the program gave `pin` (hf_board_label), or ''.
    label(pin) {
      const p = this.module ? this.module._web_label(pin) : 0;
      return p ? this.module.UTF8ToString(p) : '';
    }

    svg(title) {
      const m = this.module;
      const n = title.length * 3 + 1;
      const t = m._malloc(n);
      m.stringToUTF8(title, t, n);
      try { return this.text('web_svg', t); } finally { m._free(t); }
    }

    // Calls from library_handoff.js.
    nextInput() { return this.inputs.shift(); }
    line(t, text, isLog) { if (this.on.line) this.on.line(t, text, isLog); }
    pin(t, pin, level, isOut) { if (this.on.pin) this.on.pin(t, pin, level, isOut); }
    show(text) { if (this.on.show) this.on.show(text); }
    end(err) {
      this.over = true;
      // After the program has halted (its stack unwound), not from inside it.
      Promise.resolve().then(() => { if (this.on.end) this.on.end(err); });
    }
  }

  // ---- VCD ------------------------------------------------------------------------------------

  // The value changes of a VCD as [[us, name, level], ...] (timescale 1 us, as the board writes).
  function parseVcd(text) {
    const ids = new Map();
    const out = [];
    const tok = text.split(/\s+/).filter(Boolean);
    let t = 0;
    let defs = true;
    for (let i = 0; i < tok.length; i++) {
      const k = tok[i];
      if (defs) {
        if (k === '$var') { ids.set(tok[i + 3], tok[i + 4]); i += 5; } else if (k === '$enddefinitions') defs = false;
        continue;
      }
      if (k[0] === '#') t = Number(k.slice(1));
      else if ((k[0] === '0' || k[0] === '1') && ids.has(k.slice(1))) out.push([t, ids.get(k.slice(1)), Number(k[0])]);
    }
    return out;
  }

  // "scenario:3: reason" (the board names the text "scenario") -> "line 3: reason".
  const lineError = (err) => err.replace(/^scenario:(\d+): /, 'line $1: ').replace(/^scenario: /, '');

  // ---- the contract: replay -------------------------------------------------------------------

  function replay(name, scenarioText) {
    if (!byName.has(name)) return Promise.reject(new Error('no example ' + name));
    return new Promise((resolve, reject) => {
      const lines = [];
      const logs = [];
      const run = new Run(name, {
        scenario: String(scenarioText),
        speed: Infinity,
        line: (t, text, isLog) => (isLog ? logs : lines).push([t / 1000, text]),
        end: (err) => {
          if (err) { reject(new Error(lineError(err))); return; }
          const vcd = run.vcd();
          resolve({ lines, changes: parseVcd(vcd), logs: logs, vcd });
        },
      });
      run.start().catch(reject);
    });
  }

  window.handoff = { replay, parseVcd, examples: EXAMPLES.map((e) => e.name) };

  // ---- the drawing ----------------------------------------------------------------------------

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, parent, text) => {
    const e = document.createElementNS(SVG_NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  };

  // Pico pin n (1..40) as drawn: USB at the left, pins 1..20 along the bottom edge, 40..21 along
  // the top.
  const PICO = { x: 130, y: 120, w: 300, h: 123 };
  function pinXY(n) {
    const i = n <= 20 ? n - 1 : 40 - n;
    return [PICO.x + 7.5 + i * 15, n <= 20 ? PICO.y + PICO.h - 6 : PICO.y + 6];
  }

  function wire(svg, points, colour) {
    el('polyline', { points: points.map((p) => p.join(',')).join(' '), fill: 'none', stroke: colour,
      'stroke-width': 3, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', 'pointer-events': 'none' }, svg);
  }

  function drawBoard(container, parts) {
    container.textContent = '';
    const svg = el('svg', { viewBox: '0 0 720 350', role: 'img', 'aria-label': 'Pico 2 W on a breadboard' }, container);
    const defs = el('defs', {}, svg);
    const pat = el('pattern', { id: 'holes', width: 15, height: 15, patternUnits: 'userSpaceOnUse' }, defs);
    el('rect', { x: 5.5, y: 5.5, width: 4, height: 4, rx: 1, fill: '#c9c2b3' }, pat);
    const glow = el('radialGradient', { id: 'glow' }, defs);
    el('stop', { offset: '0%', 'stop-color': '#7dff8a', 'stop-opacity': 0.95 }, glow);
    el('stop', { offset: '100%', 'stop-color': '#7dff8a', 'stop-opacity': 0 }, glow);
    // breadboard with its power rails
    el('rect', { x: 10, y: 20, width: 700, height: 320, rx: 10, fill: '#f3efe6', stroke: '#ddd6c6' }, svg);
    el('rect', { x: 22, y: 65, width: 676, height: 225, fill: 'url(#holes)' }, svg);
    for (const [y, c] of [[32, '#c0392b'], [52, '#2e5fa8'], [303, '#c0392b'], [323, '#2e5fa8']]) {
      el('line', { x1: 22, y1: y, x2: 698, y2: y, stroke: c, 'stroke-width': 1.5, 'stroke-opacity': 0.6 }, svg);
    }
    el('text', { x: 700, y: 47, 'text-anchor': 'end', 'font-size': 10, fill: '#2e5fa8' }, svg, 'GND');
    el('text', { x: 700, y: 318, 'text-anchor': 'end', 'font-size': 10, fill: '#2e5fa8' }, svg, 'GND');
    // the Pico 2 W
    el('rect', { x: PICO.x - 14, y: PICO.y + 44, width: 26, height: 36, rx: 3, fill: '#b8bec4', stroke: '#858c93' }, svg);
    el('rect', { x: PICO.x, y: PICO.y, width: PICO.w, height: PICO.h, rx: 6, fill: '#1d7a45', stroke: '#135c33' }, svg);
    for (let n = 1; n <= 40; n++) {
      const [x, y] = pinXY(n);
      el('circle', { cx: x, cy: y, r: 4, fill: '#d9b84a', stroke: '#9c7f22' }, svg);
    }
    el('rect', { x: 215, y: 158, width: 46, height: 46, rx: 3, fill: '#23272b' }, svg);
    el('text', { x: 238, y: 185, 'text-anchor': 'middle', 'font-size': 9, fill: '#c8cdd2' }, svg, 'RP2350');
    el('rect', { x: 300, y: 150, width: 78, height: 60, rx: 4, fill: '#c9ced3', stroke: '#8e959b' }, svg);
    el('text', { x: 339, y: 184, 'text-anchor': 'middle', 'font-size': 9, fill: '#4b5257' }, svg, 'CYW43439');
    el('rect', { x: 392, y: 146, width: 30, height: 68, rx: 2, fill: '#17643a' }, svg);
    el('text', { x: 147, y: 232, 'font-size': 10, fill: '#e8f3ea' }, svg, 'Raspberry Pi Pico 2 W');
    for (const [n, label] of [[18, 'GND'], [19, 'GP14'], [20, 'GP15'], [21, 'GP16'], [23, 'GND']]) {
      const [x, y] = pinXY(n);
      const ty = n <= 20 ? y - 8 : y + 8; // along the pin, inside the board
      el('text', { x: x + 2.5, y: ty, 'text-anchor': n <= 20 ? 'start' : 'end', 'font-size': 7.5, fill: '#f7f3d0',
        transform: `rotate(-90 ${x + 2.5} ${ty})` }, svg, label);
    }
    // the onboard LED (on the W boards, driven through the CYW43)
    const led = el('g', { 'data-pin': 'LED', 'data-level': '0', 'aria-label': 'onboard LED' }, svg);
    el('circle', { class: 'halo', cx: 165, cy: 143, r: 22, fill: 'url(#glow)', opacity: 0 }, led);
    el('rect', { class: 'lens', x: 159, y: 138, width: 12, height: 9, rx: 2, fill: '#e9f2ea', stroke: '#9aa59c' }, led);
    el('text', { x: 165, y: 133, 'text-anchor': 'middle', 'font-size': 7.5, fill: '#f7f3d0' }, svg, 'LED');
    // GND wires to the rails
    wire(svg, [pinXY(18), [pinXY(18)[0], 323]], '#222');
    if (parts.includes('buzzer')) wire(svg, [pinXY(23), [pinXY(23)[0], 52]], '#222');

    if (parts.includes('button15')) { // routed under the GP14 button
      wire(svg, [pinXY(20), [pinXY(20)[0], 305], [560, 305], [560, 268], [574, 268]], '#27ae60');
      drawButton(svg, 15, 600, '#27ae60');
    }
    if (parts.includes('button14')) {
      wire(svg, [pinXY(19), [pinXY(19)[0], 268], [474, 268]], '#2e86de');
      drawButton(svg, 14, 500, '#2e86de');
    }
    if (parts.includes('buzzer')) drawBuzzer(svg);
    if (parts.includes('pir14')) drawPir(svg);
    return svg;
  }

  // A tactile switch from GPn (wired by the caller) to GND, at x = cx: pressing pulls the pin low.
  function drawButton(svg, gp, cx, colour) {
    wire(svg, [[cx + 26, 268], [cx + 34, 268], [cx + 34, 323]], '#222');
    const g = el('g', { 'data-pin': 'GP' + gp, 'data-level': '1', 'data-active': '0', role: 'button', tabindex: 0,
      'aria-label': 'button on GP' + gp + ' (hold a key or the mouse to press)', 'aria-pressed': 'false' }, svg);
    el('rect', { x: cx - 26, y: 242, width: 52, height: 52, rx: 4, fill: '#3b4046', stroke: '#202326' }, g);
    for (const [dx, dy] of [[-20, -20], [20, -20], [-20, 20], [20, 20]]) {
      el('circle', { cx: cx + dx, cy: 268 + dy, r: 3, fill: '#9aa0a6' }, g);
    }
    el('circle', { class: 'cap', cx, cy: 268, r: 15, fill: colour, stroke: '#1b1e21', 'stroke-width': 1.5 }, g);
    el('text', { x: cx, y: 236, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, svg, 'GP' + gp + (gp === 15 ? ' reset' : ''));
    return g;
  }

  function drawBuzzer(svg) {
    const [px, py] = pinXY(21);
    wire(svg, [[px, py], [px, 95], [540, 95]], '#c0392b');
    wire(svg, [[600, 95], [612, 95], [612, 52]], '#222');
    const g = el('g', { 'data-pin': 'GP16', 'data-level': '0', 'aria-label': 'buzzer on GP16' }, svg);
    el('circle', { cx: 570, cy: 95, r: 30, fill: '#1f2225', stroke: '#000' }, g);
    el('circle', { cx: 570, cy: 95, r: 5, fill: '#444' }, g);
    el('text', { x: 548, y: 78, 'font-size': 12, fill: '#ddd' }, g, '+');
    for (const r of [38, 46, 54]) {
      el('path', { class: 'wave', d: `M ${570 + r * 0.7} ${95 - r * 0.7} A ${r} ${r} 0 0 1 ${570 + r * 0.7} ${95 + r * 0.7}`,
        fill: 'none', stroke: '#e67e22', 'stroke-width': 2.5, opacity: 0 }, g);
    }
    el('text', { x: 570, y: 145, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, svg, 'buzzer GP16');
  }

  // A PIR motion sensor driving GP14 (active high): hold it to stand in front of it.
  function drawPir(svg) {
    const [px, py] = pinXY(19);
    wire(svg, [[px, py], [px, 275], [520, 275]], '#8e44ad');
    wire(svg, [[600, 292], [612, 292], [612, 323]], '#222');
    wire(svg, [[600, 258], [640, 258], [640, 32]], '#c0392b');
    const g = el('g', { 'data-pin': 'GP14', 'data-level': '0', 'data-active': '1', role: 'button', tabindex: 0,
      'aria-label': 'PIR sensor on GP14 (hold to stand in front of it)', 'aria-pressed': 'false' }, svg);
    el('rect', { x: 520, y: 240, width: 80, height: 70, rx: 4, fill: '#1d7a45', stroke: '#135c33' }, g);
    el('circle', { class: 'dome', cx: 560, cy: 275, r: 26, fill: '#f4f6f7', stroke: '#b6bcc1', 'stroke-width': 1.5 }, g);
    el('text', { class: 'motion', x: 560, y: 279, 'text-anchor': 'middle', 'font-size': 10, fill: '#8e44ad', opacity: 0 }, g, 'motion');
    el('text', { x: 560, y: 232, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, svg, 'PIR sensor GP14');
  }

  // ---- sound ----------------------------------------------------------------------------------

  const sound = {
    ctx: null, osc: null, gain: null, muted: false, on: false,
    init() { // from a user gesture (browsers allow audio only after one)
      if (this.ctx || !window.AudioContext) return;
      this.ctx = new AudioContext();
      this.osc = this.ctx.createOscillator();
      this.gain = this.ctx.createGain();
      this.osc.type = 'square';
      this.osc.frequency.value = 2700; // a typical active buzzer
      this.gain.gain.value = 0;
      this.osc.connect(this.gain).connect(this.ctx.destination);
      this.osc.start();
    },
    set(on) {
      this.on = on;
      if (this.gain) this.gain.gain.setTargetAtTime(on && !this.muted ? 0.08 : 0, this.ctx.currentTime, 0.003);
    },
  };

  // ---- the page -------------------------------------------------------------------------------

  const $ = (sel) => document.querySelector(sel);
  const ui = {
    example: $('[data-role=example]'), about: $('[data-role=about]'), board: $('[data-role=board]'),
    clock: $('[data-role=clock]'), status: $('[data-role=status]'), console: $('[data-role=console]'),
    timeline: $('[data-role=timeline]'), scenario: $('[data-role=scenario]'), mute: $('[data-role=mute]'),
  };
  let run = null;
  let speed = 1;
  let lanes = new Map(); // pin name -> {changes: [[us, level]], isOut, label}
  let totalChanges = 0;
  let current = null; // the example shown

  function consoleLine(text, cls, tUs) {
    const li = document.createElement('li');
    if (cls) li.className = cls;
    if (tUs !== undefined) {
      const t = document.createElement('time');
      t.textContent = '[' + fmtMs(tUs) + '] ';
      li.appendChild(t);
    }
    li.appendChild(document.createTextNode(text));
    const c = ui.console;
    const stick = c.scrollTop + c.clientHeight >= c.scrollHeight - 4;
    c.appendChild(li);
    while (c.childElementCount > CONSOLE_MAX) c.removeChild(c.firstElementChild);
    if (stick) c.scrollTop = c.scrollHeight;
  }

  function setLevel(name, level) {
    for (const e of ui.board.querySelectorAll(`[data-pin="${name}"]`)) {
      e.setAttribute('data-level', String(level));
      if (name === 'LED') e.querySelector('.halo').setAttribute('opacity', level ? 1 : 0);
      if (name === 'LED') e.querySelector('.lens').setAttribute('fill', level ? '#57f06a' : '#e9f2ea');
      if (name === 'GP16') for (const w of e.querySelectorAll('.wave')) w.setAttribute('opacity', level ? 0.9 : 0);
      if (e.hasAttribute('data-active')) {
        const pressed = String(level) === e.getAttribute('data-active');
        e.setAttribute('aria-pressed', String(pressed));
        const cap = e.querySelector('.cap');
        if (cap) cap.setAttribute('r', pressed ? 12 : 15);
        const m = e.querySelector('.motion');
        if (m) m.setAttribute('opacity', pressed ? 1 : 0);
      }
    }
    if (name === 'GP16') sound.set(level === 1);
  }

  function start(name, scenarioText, label) {
    if (run) run.stop();
    sound.set(false);
    current = name;
    const ex = byName.get(name);
    ui.about.textContent = ex ? ex.title : '';
    drawBoard(ui.board, PARTS[name] || ['button14']);
    bindParts();
    ui.console.textContent = '';
    ui.status.textContent = '';
    lanes = new Map();
    totalChanges = 0;
    consoleLine(`${name}: ${label || 'running; press the parts'}`, 'note');
    const r = new Run(name, {
      scenario: scenarioText === undefined ? null : scenarioText,
      speed,
      line: (t, text, isLog) => consoleLine((isLog ? '! ' : '') + text, isLog ? 'log' : '', t),
      pin: (t, pin, level, isOut) => {
        const n = pinName(pin);
        if (!lanes.has(n)) lanes.set(n, { changes: [], isOut });
        const lane = lanes.get(n);
        lane.isOut = isOut;
        lane.changes.push([t, level]);
        if (lane.changes.length > LANE_MAX) lane.changes.splice(0, lane.changes.length - LANE_MAX);
        totalChanges++;
        setLevel(n, level);
      },
      show: (text) => { ui.status.textContent = text; },
      end: (err) => {
        sound.set(false);
        consoleLine(err ? 'error: ' + lineError(err) : `end of the scenario at ${fmtMs(r.vnow)} ms`, 'note');
      },
    });
    run = r;
    r.start().catch((e) => consoleLine('error: ' + e.message, 'note'));
  }

  // Mouse, touch and keys on the inputs.
  function bindParts() {
    for (const g of ui.board.querySelectorAll('[data-active]')) {
      const name = g.getAttribute('data-pin');
      const active = Number(g.getAttribute('data-active'));
      const down = () => { sound.init(); if (run) run.press(pinNumber(name), active); };
      const up = () => { if (run) run.press(pinNumber(name), 1 - active); };
      let held = false;
      g.addEventListener('pointerdown', (e) => { e.preventDefault(); g.setPointerCapture(e.pointerId); held = true; down(); });
      const release = () => { if (held) { held = false; up(); } };
      g.addEventListener('pointerup', release);
      g.addEventListener('pointercancel', release);
      g.addEventListener('keydown', (e) => {
        if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) { e.preventDefault(); e.stopPropagation(); down(); }
      });
      g.addEventListener('keyup', (e) => {
        if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); e.stopPropagation(); up(); }
      });
    }
  }

  const KEYS = { a: 'GP14', ' ': 'GP14', b: 'GP15' };
  function keyPart(e) {
    if (e.target.closest && e.target.closest('input, select, textarea, button')) return null;
    const name = KEYS[e.key];
    return name ? ui.board.querySelector(`[data-pin="${name}"][data-active]`) : null;
  }
  document.addEventListener('keydown', (e) => {
    const g = keyPart(e);
    if (!g || e.repeat) return;
    e.preventDefault();
    sound.init();
    if (run) run.press(pinNumber(g.getAttribute('data-pin')), Number(g.getAttribute('data-active')));
  });
  document.addEventListener('keyup', (e) => {
    const g = keyPart(e);
    if (!g) return;
    e.preventDefault();
    if (run) run.press(pinNumber(g.getAttribute('data-pin')), 1 - Number(g.getAttribute('data-active')));
  });

  // ---- the live timeline ----------------------------------------------------------------------

  function drawTimeline() {
    requestAnimationFrame(drawTimeline);
    if (!run) return;
    const now = run.now();
    ui.clock.textContent = (now / 1e6).toFixed(3) + ' s';
    const svg = ui.timeline;
    const names = [...lanes.keys()].sort((a, b) => pinNumber(a === 'LED' ? 'GP99' : a) - pinNumber(b === 'LED' ? 'GP99' : b));
    const W = 800, L = 64, H = 34;
    const h = Math.max(1, names.length) * H + 18;
    svg.setAttribute('viewBox', `0 0 ${W} ${h}`);
    svg.style.height = h + 'px';
    svg.setAttribute('data-changes', String(totalChanges));
    const t0 = Math.max(0, now - WINDOW_US);
    const x = (t) => L + (Math.max(t, t0) - t0) * (W - L - 8) / WINDOW_US;
    let out = '';
    names.forEach((n, k) => {
      const lane = lanes.get(n);
      const base = k * H + 28, high = base - 20;
      const colour = n === 'LED' ? '#e67e22' : lane.isOut ? '#c0392b' : '#2471a3';
      if (!lane.label) lane.label = run.label(pinNumber(n)) || (lane.isOut ? 'output' : 'input');
      let pts = '';
      let level = -1;
      for (const [t, lv] of lane.changes) {
        if (t > now) break;
        if (level >= 0) pts += `${x(t).toFixed(1)},${level ? high : base} `;
        level = lv;
        pts += `${x(t).toFixed(1)},${level ? high : base} `;
      }
      if (level >= 0) pts += `${x(now).toFixed(1)},${level ? high : base} ${x(now).toFixed(1)},${base}`;
      const first = lane.changes.length ? x(lane.changes[0][0]).toFixed(1) : L;
      const label = lane.label.replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      out += `<text x="${L - 8}" y="${base - 8}" text-anchor="end" font-size="11" font-weight="bold">${n}</text>` +
        `<text x="${L - 8}" y="${base + 2}" text-anchor="end" font-size="8" fill="#888">${label}</text>` +
        `<line x1="${L}" y1="${base}" x2="${W - 8}" y2="${base}" stroke="#e3e6e9"/>` +
        `<polyline data-lane="${n}" fill="${colour}" fill-opacity="0.18" stroke="${colour}" stroke-width="1.6" ` +
        `points="${first},${base} ${pts}"/>`;
    });
    const step = 1e6;
    for (let t = Math.ceil(t0 / step) * step; t <= now; t += step) {
      out += `<text x="${x(t).toFixed(1)}" y="${h - 3}" text-anchor="middle" font-size="9" fill="#888">${t / 1e6} s</text>`;
    }
    svg.innerHTML = out;
  }

  // ---- controls -------------------------------------------------------------------------------

  function download(text, file, type) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = file;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function setup() {
    for (const e of EXAMPLES) {
      const o = document.createElement('option');
      o.value = e.name;
      o.textContent = `${e.dir.slice(0, 2)} ${e.name}`;
      ui.example.appendChild(o);
    }
    const fillScenarios = (name) => {
      ui.scenario.textContent = '';
      for (const s of Object.keys((byName.get(name) || {}).scenarios || {})) {
        const o = document.createElement('option');
        o.value = o.textContent = s;
        ui.scenario.appendChild(o);
      }
    };
    const params = new URLSearchParams(location.search);
    const first = byName.has(params.get('example')) ? params.get('example')
      : byName.has('press-to-alert') ? 'press-to-alert' : (EXAMPLES[0] || {}).name;
    if (params.get('speed')) speed = params.get('speed') === 'max' ? Infinity : Number(params.get('speed')) || 1;
    ui.example.value = first;
    ui.example.addEventListener('change', () => {
      const url = new URL(location.href);
      url.searchParams.set('example', ui.example.value);
      history.replaceState(null, '', url);
      fillScenarios(ui.example.value);
      start(ui.example.value);
    });
    for (const b of document.querySelectorAll('[data-role=speed]')) {
      const s = b.getAttribute('data-speed') === 'max' ? Infinity : Number(b.getAttribute('data-speed'));
      b.setAttribute('aria-pressed', String(s === speed));
      b.addEventListener('click', () => {
        speed = s;
        for (const o of document.querySelectorAll('[data-role=speed]')) o.setAttribute('aria-pressed', String(o === b));
        if (run) run.setSpeed(speed);
      });
    }
    $('[data-role=restart]').addEventListener('click', () => start(current));
    $('[data-role=play]').addEventListener('click', () => {
      const s = ui.scenario.value;
      if (s) start(current, byName.get(current).scenarios[s], 'playing ' + s);
    });
    $('[data-role=load]').addEventListener('change', (e) => {
      const f = e.target.files[0];
      if (!f) return;
      f.text().then((text) => start(current, text, 'playing ' + f.name));
      e.target.value = '';
    });
    $('[data-role=download-vcd]').addEventListener('click', () => {
      if (run && run.module) download(run.vcd(), current + '.vcd', 'text/plain');
    });
    $('[data-role=download-svg]').addEventListener('click', () => {
      if (run && run.module) download(run.svg(current + '  (browser)'), current + '.svg', 'image/svg+xml');
    });
    ui.mute.addEventListener('change', () => { sound.muted = ui.mute.checked; sound.set(sound.on); });
    fillScenarios(first);
    if (first) start(first);
    requestAnimationFrame(drawTimeline);
  }

  setup();
})();
