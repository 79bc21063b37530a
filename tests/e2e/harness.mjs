// The virtual Pico: runs a bare-metal RP2040 image (ports/rp2040, a .bin for SRAM at 0x20000000)
// in the rp2040js emulator, drives input pins at given times, and reports what the firmware
// printed on UART0 and how its output pins moved, in emulated time.
//
//   node harness.mjs IMAGE.bin INPUT.json
//
// INPUT.json: {"end_us": N, "events": [[t_us, gpio, level], ...] (sorted), "watch": [gpio...],
//              "idle": [[gpio, level], ...]}
// Prints one JSON object: {"lines": [[t_us, text], ...], "changes": {"gpio": [[t_us, level]]},
//                          "instructions": N}
// Exit status 2 on bad input, with a one-line reason.
import { readFileSync } from 'node:fs';
import { GPIOPinState, RP2040 } from 'rp2040js';

function fail(msg) {
  process.stderr.write(`harness: ${msg}\n`);
  process.exit(2);
}

const [imagePath, inputPath] = process.argv.slice(2);
if (!imagePath || !inputPath) fail('usage: node harness.mjs IMAGE.bin INPUT.json');
let image, input;
try {
  image = readFileSync(imagePath);
} catch (e) {
  fail(`${imagePath}: ${e.message}`);
}
try {
  input = JSON.parse(readFileSync(inputPath, 'utf8'));
} catch (e) {
  fail(`${inputPath}: ${e.message}`);
}

const SRAM = 0x20000000;
const CYCLE_NS = 8; // 125 MHz, the clk_sys the firmware sets up
const mcu = new RP2040();
if (image.length > mcu.sram.length) fail(`${imagePath}: ${image.length} bytes do not fit in SRAM`);
mcu.sram.set(image, 0);
mcu.core.PC = SRAM; // where the bootrom enters a RAM image
mcu.logger = { debug() {}, info() {}, warn() {}, error(tag, msg) { process.stderr.write(`rp2040js: ${tag}: ${msg}\n`); } };

const clock = mcu.clock;
const nowUs = () => clock.nanos / 1000;

// Inputs idle at their given level from the start (buttons to GND with pull-ups read 1).
for (const [gpio, level] of input.idle || []) mcu.gpio[gpio].setInputValue(level === 1);

// UART0: a line is stamped with the time of its first byte.
const lines = [];
let line = '';
let lineStart = 0;
mcu.uart[0].onByte = (b) => {
  if (line === '' ) lineStart = nowUs();
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

const endNs = input.end_us * 1000;
const events = input.events;
let next = 0;
let instructions = 0;
while (clock.nanos < endNs) {
  while (next < events.length && events[next][0] * 1000 <= clock.nanos) {
    const [, gpio, level] = events[next++];
    mcu.gpio[gpio].setInputValue(level === 1);
  }
  const untilEvent = (next < events.length ? events[next][0] * 1000 : endNs) - clock.nanos;
  if (mcu.core.waiting && (mcu.core.pendingInterrupts & mcu.core.enabledInterrupts) !== 0) {
    // An enabled interrupt is pending: on the chip that ends WFI even while PRIMASK masks it
    // (ARMv6-M: WFI wakes on any pending interrupt; it is taken once PRIMASK is cleared). The
    // emulator only ends WFI for an interrupt it can take at once, so the harness ends it here.
    mcu.core.waiting = false;
  }
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
process.stdout.write(JSON.stringify({ lines, changes, instructions }) + '\n');
