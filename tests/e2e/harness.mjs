// The virtual Pico: runs an RP2040 image in the rp2040js emulator, drives input pins at given
// times, and reports what the firmware printed on UART0 and how its output pins moved, in
// emulated time. Two kinds of image:
//   - IMAGE.bin: a bare-metal image for SRAM (ports/rp2040), started at 0x20000000;
//   - IMAGE.uf2: a flash image (a Pico SDK build for the `pico` board), which needs the RP2040
//     boot ROM: BOOTROM is the rp2040js repository's demo/bootrom.ts (not part of this project);
//     the image is loaded into flash at 0x10000000 and started there. Such an image starts after
//     the boot ROM, the flash's second stage and the SDK's run-time set-up (about 1.4 ms of
//     emulated time), where the host board starts at 0: its 0 is taken to be the start of its
//     first printed line, so this mode is for programs that print as they start (all the
//     examples but blink, polling and async-button). Input events are timed from
//     there, every reported time is counted from there, and a pin's level before it is its
//     level at 0.
//
//   node harness.mjs IMAGE.bin INPUT.json
//   node harness.mjs IMAGE.uf2 INPUT.json BOOTROM.ts
//
import { readFileSync } from 'node:fs';
import { GPIOPinState } from 'rp2040js';
import { CYCLE_NS, loadPico, wakeIfPending } from './pico.mjs';

function fail(msg) {
  process.stderr.write(`harness: ${msg}\n`);
  process.exit(2);
}

const [imagePath, inputPath, bootromPath] = process.argv.slice(2);
if (!imagePath || !inputPath) fail('usage: node harness.mjs IMAGE.bin|IMAGE.uf2 INPUT.json [BOOTROM.ts]');
const isUf2 = imagePath.endsWith('.uf2');
let input;
try {
  input = JSON.parse(readFileSync(inputPath, 'utf8'));
} catch (e) {
  fail(`${inputPath}: ${e.message}`);
}
const mcu = loadPico(imagePath, bootromPath, fail);

const clock = mcu.clock;
const nowUs = () => clock.nanos / 1000;

// Inputs idle at their given level from the start; every other pin reads 1 (loadPico).
for (const [gpio, level] of input.idle || []) mcu.gpio[gpio].setInputValue(level === 1);

// UART0: a line is stamped with the time of its first byte.
const lines = [];
let line = '';
let lineStart = 0;
let originNs = isUf2 ? null : 0; // emulated time of the program's 0
mcu.uart[0].onByte = (b) => {
  if (line === '') lineStart = nowUs();
  if (originNs === null) originNs = lineStart * 1000;
  if (b === 10) {
    lines.push([Math.round(lineStart), line.replace(/\r$/, '')]);
    line = '';
  } else {
    line += String.fromCharCode(b);
  }
};

// Output pins: every change of the driven level, the first one being the level it starts with.
// Changes less than GLITCH_US apart are one change, as they are one instant on the host (the
// start-up, where a pin is made an output at 0 and then set, takes a few microseconds here).
const GLITCH_US = 100;
const changes = {};
for (const gpio of input.watch || []) {
  changes[gpio] = [];
  mcu.gpio[gpio].addListener((state) => {
    if (state !== GPIOPinState.High && state !== GPIOPinState.Low) return;
    const level = state === GPIOPinState.High ? 1 : 0;
    const list = changes[gpio];
    const t = Math.round(nowUs());
    if (list.length > 0 && t - list[list.length - 1][0] < GLITCH_US) {
      list.pop();
    }
    if (list.length === 0 || list[list.length - 1][1] !== level) list.push([t, level]);
  });
}

const events = input.events;
let next = 0;
let instructions = 0;
const origin = () => (originNs === null ? 0 : originNs);
const endNs = () => input.end_us * 1000 + origin();
while (clock.nanos < endNs()) {
  while (originNs !== null && next < events.length && events[next][0] * 1000 + originNs <= clock.nanos) {
    const [, gpio, level] = events[next++];
    mcu.gpio[gpio].setInputValue(level === 1);
  }
  const nextEventNs = originNs !== null && next < events.length ? events[next][0] * 1000 + originNs : endNs();
  const untilEvent = nextEventNs - clock.nanos;
  wakeIfPending(mcu.core);
  if (mcu.core.waiting) {
    // Asleep: jump to the next timer alarm or input event, whichever is first. With no alarm
    // pending the emulator reports 0: then only an input event or the end can wake the core.
    const toAlarm = clock.nanosToNextAlarm;
    const step = toAlarm > 0 ? Math.min(toAlarm, untilEvent) : untilEvent;
    clock.tick(Math.max(step, 1));
  } else {
    const cycles = mcu.core.executeInstruction();
    clock.tick(cycles * CYCLE_NS);
    instructions++;
  }
}
if (line !== '') lines.push([Math.round(lineStart), line.replace(/\r$/, '')]);
// Times from the program's 0; what a pin did before it, or within GLITCH_US after, counts as
// its level at 0 (the set-up right after the first line, instant on the host).
const originUs = origin() / 1000;
for (const l of lines) l[0] = Math.round(l[0] - originUs);
const startUs = originUs + (originUs > 0 ? GLITCH_US : 0);
for (const gpio of Object.keys(changes)) {
  const early = changes[gpio].filter(([t]) => t <= startUs);
  const later = changes[gpio].filter(([t]) => t > startUs).map(([t, v]) => [Math.round(t - originUs), v]);
  changes[gpio] = (early.length ? [[0, early[early.length - 1][1]]] : []).concat(later);
}
process.stdout.write(JSON.stringify({ lines, changes, instructions }) + '\n');
