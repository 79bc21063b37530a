// Runs bench/mpy/switch.py on MicroPython's WebAssembly port (the npm package pinned in
// bench/package.json): node run_wasm.mjs pingpong N | yields TASKS EACH
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const here = dirname(fileURLToPath(import.meta.url));
const [what, a, b] = process.argv.slice(2);
const mp = await loadMicroPython({
    heapsize: 256 * 1024,
    stdout: (line) => process.stdout.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
});
const src = readFileSync(join(here, "switch.py"), "utf8");
await mp.runPythonAsync(`${src}\nawait bench(${JSON.stringify(what)}, ${Number(a)}, ${Number(b || 0)})\n`);
