// Runs bench.wasm on Node.js's WebAssembly (V8); prints "name ms result" per workload.
import { readFileSync } from 'node:fs';
const [file, fibN, rounds, reps] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const { fib, bytes } = instance.exports;
for (const [name, f, arg] of [['fib', fib, +fibN], ['bytes', bytes, +rounds]]) {
  f(arg); // warm-up
  let best = Infinity, result = 0;
  for (let i = 0; i < +reps; i++) {
    const t = process.hrtime.bigint();
    result = f(arg) >>> 0;
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`${name} ${best.toFixed(2)} ${result}`);
}
