// The virtual Pico, counting instructions: runs a bare-metal RP2040 image (bench/onchip/button.c
// as ports/rp2040 builds it) in the rp2040js emulator until it has printed "ready" and sleeps in
// WFI, pulls GPIO PIN low (the button pressed), and counts every instruction the core executes
// from the first one of the interrupt handler to the first one at RESUMED (bench_resumed()).
// Prints one JSON object: {"isr": N, "total": N, "pcs": [...]}: isr counts up to the first
// instruction back in thread mode, total up to RESUMED, pcs is the address of each instruction
// counted, in order (bench/onchip.py maps them to functions).
//
//   node irqcount.mjs IMAGE.bin RESUMED PIN      (RESUMED: the address, 0x...)
//
import { readFileSync } from 'node:fs';
import { RP2040 } from 'rp2040js';

function fail(msg) {
  process.stderr.write(`irqcount: ${msg}\n`);
  process.exit(2);
}

const [imagePath, resumedArg, pinArg] = process.argv.slice(2);
if (!imagePath || !resumedArg || !pinArg) fail('usage: node irqcount.mjs IMAGE.bin RESUMED PIN');
const resumed = Number(resumedArg) & ~1;
const pin = Number(pinArg);
if (!Number.isInteger(resumed) || resumed <= 0) fail(`RESUMED ${resumedArg}: not an address`);
if (!Number.isInteger(pin) || pin < 0 || pin > 29) fail(`PIN ${pinArg}: not a GPIO (0 to 29)`);
let image;
try {
  image = readFileSync(imagePath);
} catch (e) {
  fail(`${imagePath}: ${e.message}`);
}

const SRAM = 0x20000000;
const CYCLE_NS = 8; // 125 MHz, the clk_sys the firmware sets up
const LIMIT = 50_000_000; // instructions: a run that never reaches its marks stops here
const mcu = new RP2040();
if (image.length > mcu.sram.length) fail(`${imagePath}: ${image.length} bytes do not fit in SRAM`);
mcu.sram.set(image, 0);
mcu.core.PC = SRAM;
mcu.logger = { debug() {}, info() {}, warn() {}, error(tag, msg) { process.stderr.write(`rp2040js: ${tag}: ${msg}\n`); } };
// No pull resistors in the emulator: every input idles high, as the pulled-up button does.
for (let gpio = 0; gpio < 30; gpio++) mcu.gpio[gpio].setInputValue(true);

let printed = '';
mcu.uart[0].onByte = (b) => {
  printed += String.fromCharCode(b);
};

const core = mcu.core;
const clock = mcu.clock;
let pressed = false;
let start = null; // instructions executed before the first one of the handler
let isrEnd = null;
const pcs = [];
for (let n = 0; n < LIMIT; n++) {
  if (!pressed && core.waiting && /ready\r?\n/.test(printed)) {
    mcu.gpio[pin].setInputValue(false); // the press: a falling edge
    pressed = true;
  }
  if (core.waiting && (core.pendingInterrupts & core.enabledInterrupts) !== 0) {
    core.waiting = false; // a pending interrupt ends WFI even under PRIMASK (tests/e2e/harness.mjs)
  }
  if (core.waiting) {
    const toAlarm = clock.nanosToNextAlarm;
    if (toAlarm <= 0) fail(`${imagePath}: asleep with nothing to wake it (printed: ${JSON.stringify(printed)})`);
    clock.tick(toAlarm);
    continue;
  }
  // Take a pending interrupt before the instruction, so that the address read next is the one
  // executed (the emulator would take it inside executeInstruction()).
  if (core.interruptsUpdated && core.checkForInterrupts()) core.waiting = false;
  const pc = core.PC & ~1;
  if (start === null && pressed && core.IPSR !== 0) start = n;
  if (start !== null) {
    if (pc === resumed) {
      process.stdout.write(JSON.stringify({ isr: isrEnd - start, total: n - start, pcs }) + '\n');
      process.exit(0);
    }
    if (isrEnd === null && core.IPSR === 0) isrEnd = n;
    pcs.push(pc);
  }
  clock.tick(core.executeInstruction() * CYCLE_NS);
}
fail(`${imagePath}: no interrupt and resume within ${LIMIT} instructions (printed: ${JSON.stringify(printed)})`);
