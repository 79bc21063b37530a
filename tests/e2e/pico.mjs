// The virtual Pico's set-up, shared by harness.mjs and irqcount.mjs: an RP2040 in the rp2040js
// emulator with an image loaded and started, every input pin high, and the one place where the
// emulator's WFI differs from the chip.
import { readFileSync } from 'node:fs';
import { RP2040 } from 'rp2040js';

export const SRAM = 0x20000000;
export const FLASH = 0x10000000;
export const CYCLE_NS = 8; // 125 MHz, the clk_sys the firmware sets up

// The boot ROM as rp2040js's demo/bootrom.ts spells it: `new Uint32Array([0x..., ...])`.
function loadBootrom(path, fail) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(`${path}: ${e.message}`);
  }
  const body = /new Uint32Array\(\[([^\]]*)\]\)/.exec(text);
  const words = body ? body[1].match(/0x[0-9a-fA-F]+/g) : null;
  if (!words || words.length < 1024) fail(`${path}: no boot ROM words (expected rp2040js demo/bootrom.ts)`);
  return new Uint32Array(words.map((w) => parseInt(w, 16)));
}

// UF2: 512-byte blocks, each with its flash address and up to 476 bytes of payload.
function loadUf2(mcu, imagePath, data, fail) {
  if (data.length === 0 || data.length % 512 !== 0) fail(`${imagePath}: not a UF2 file (size ${data.length})`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let off = 0; off < data.length; off += 512) {
    if (view.getUint32(off, true) !== 0x0a324655 || view.getUint32(off + 4, true) !== 0x9e5d5157 ||
        view.getUint32(off + 508, true) !== 0x0ab16f30) {
      fail(`${imagePath}: block ${off / 512}: bad UF2 magic`);
    }
    const addr = view.getUint32(off + 12, true);
    const size = view.getUint32(off + 16, true);
    if (size > 476 || addr < FLASH || addr + size > FLASH + mcu.flash.length) {
      fail(`${imagePath}: block ${off / 512}: ${size} bytes at 0x${addr.toString(16)} are not in flash`);
    }
    mcu.flash.set(data.subarray(off + 32, off + 32 + size), addr - FLASH);
  }
}

// An RP2040 with IMAGE loaded and its PC at the image's start: IMAGE.bin, a bare-metal image for
// SRAM (ports/rp2040), started at 0x20000000; or IMAGE.uf2, a flash image, which needs the boot
// ROM (BOOTROM: rp2040js's demo/bootrom.ts, not part of this project) and starts at 0x10000000.
// The emulator has no pull resistors: every input starts high, as a button to GND with its
// pull-up reads when not pressed. fail(msg) reports bad input and does not return.
export function loadPico(imagePath, bootromPath, fail) {
  const mcu = new RP2040();
  let image;
  try {
    image = readFileSync(imagePath);
  } catch (e) {
    fail(`${imagePath}: ${e.message}`);
  }
  if (imagePath.endsWith('.uf2')) {
    if (!bootromPath) fail(`${imagePath}: a UF2 image needs the boot ROM (BOOTROM.ts)`);
    mcu.loadBootrom(loadBootrom(bootromPath, fail));
    loadUf2(mcu, imagePath, image, fail);
    mcu.core.PC = FLASH;
  } else {
    if (image.length > mcu.sram.length) fail(`${imagePath}: ${image.length} bytes do not fit in SRAM`);
    mcu.sram.set(image, 0);
    mcu.core.PC = SRAM; // where the boot ROM enters a RAM image
  }
  mcu.logger = { debug() {}, info() {}, warn() {}, error(tag, msg) { process.stderr.write(`rp2040js: ${tag}: ${msg}\n`); } };
  for (let gpio = 0; gpio < 30; gpio++) mcu.gpio[gpio].setInputValue(true);
  return mcu;
}

// An enabled interrupt is pending: on the chip that ends WFI even while PRIMASK masks it
// (ARMv6-M: WFI wakes on any pending interrupt; it is taken once PRIMASK is cleared). The
// emulator only ends WFI for an interrupt it can take at once, so the caller ends it here,
// before each step.
export function wakeIfPending(core) {
  if (core.waiting && (core.pendingInterrupts & core.enabledInterrupts) !== 0) core.waiting = false;
}
