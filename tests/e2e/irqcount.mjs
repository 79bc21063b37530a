// The virtual Pico, counting instructions: runs an RP2040 image of bench/onchip/button.c (as
// ports/rp2040 builds it, IMAGE.bin; or as ports/pico-sdk builds it for the `pico` board with
// HF_PICO_BENCH, IMAGE.uf2, which needs the boot ROM: BOOTROM, see harness.mjs) in the rp2040js
// emulator, which executes one instruction per step,
// until it has printed "ready GPn" and sleeps in WFI; pulls GPn low (the button pressed); and
// counts every instruction from the first one of the IO_IRQ_BANK0 handler to the first one at
// RESUMED (bench_resumed(), not counted). Prints one JSON object {"isr": N, "total": N,
// "pcs": [...]}: isr counts up to the first instruction back in thread mode, total up to RESUMED,
// pcs is the address of each instruction counted, in order (bench/onchip.py maps them to
// functions). Any other exception inside the window, or a sleep before RESUMED, is an error.
//
//   node irqcount.mjs IMAGE.bin RESUMED                (RESUMED: its address, 0x...)
//   node irqcount.mjs IMAGE.uf2 RESUMED BOOTROM.ts
//
import { CYCLE_NS, loadPico, wakeIfPending } from './pico.mjs';

function fail(msg) {
  process.stderr.write(`irqcount: ${msg}\n`);
  process.exit(2);
}

const IO_IRQ_BANK0 = 16 + 13; // its exception number (RP2040 datasheet, 2.3.2)
const LIMIT = 50_000_000; // steps: a run that never reaches its marks stops here

const [imagePath, resumedArg, bootromPath] = process.argv.slice(2);
if (!imagePath || !resumedArg) fail('usage: node irqcount.mjs IMAGE.bin|IMAGE.uf2 RESUMED [BOOTROM.ts]');
const resumed = Number(resumedArg) & ~1;
if (!/^0x[0-9a-fA-F]+$/.test(resumedArg) || resumed <= 0) fail(`RESUMED ${resumedArg}: not an address (0x...)`);
const mcu = loadPico(imagePath, bootromPath, fail);

let printed = '';
mcu.uart[0].onByte = (b) => {
  printed += String.fromCharCode(b);
};

const core = mcu.core;
const clock = mcu.clock;
let pin = null; // pressed once the program is ready and asleep
let counting = false;
let isr = null;
const pcs = []; // from the first instruction of the handler on
for (let n = 0; n < LIMIT; n++) {
  if (pin === null && core.waiting) {
    const ready = /ready GP(\d+)\r?\n/.exec(printed);
    if (ready) {
      pin = Number(ready[1]);
      if (pin > 29) fail(`${imagePath}: GP${pin}: no such pin`);
      mcu.gpio[pin].setInputValue(false); // the press: a falling edge
    }
  }
  wakeIfPending(core);
  if (core.waiting) {
    if (counting) fail(`${imagePath}: asleep after ${pcs.length} instructions, before the task resumed`);
    const toAlarm = clock.nanosToNextAlarm;
    if (toAlarm <= 0) fail(`${imagePath}: asleep with nothing to wake it (printed: ${JSON.stringify(printed)})`);
    clock.tick(toAlarm);
    continue;
  }
  // Take a pending interrupt before the step, so that the address read next is the one executed
  // (the emulator would take it inside executeInstruction()).
  if (core.interruptsUpdated && core.checkForInterrupts()) core.waiting = false;
  const pc = core.PC & ~1;
  if (!counting && pin !== null && core.IPSR !== 0) {
    if (core.IPSR !== IO_IRQ_BANK0) fail(`${imagePath}: exception ${core.IPSR} came first, not IO_IRQ_BANK0`);
    counting = true; // the first instruction of the handler
  }
  if (counting) {
    if (pc === resumed) {
      if (isr === null) fail(`${imagePath}: reached RESUMED without leaving the handler`);
      process.stdout.write(JSON.stringify({ isr, total: pcs.length, pcs }) + '\n');
      process.exit(0);
    }
    if (core.IPSR !== 0 && core.IPSR !== IO_IRQ_BANK0) {
      fail(`${imagePath}: exception ${core.IPSR} inside the counted window`);
    }
    if (isr === null && core.IPSR === 0) isr = pcs.length;
    if (isr !== null && core.IPSR !== 0) fail(`${imagePath}: IO_IRQ_BANK0 again inside the counted window`);
    pcs.push(pc);
  }
  clock.tick(core.executeInstruction() * CYCLE_NS);
}
fail(`${imagePath}: no interrupt and resume within ${LIMIT} steps (printed: ${JSON.stringify(printed)})`);
