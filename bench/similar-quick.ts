import { baseVectors } from './similar/generated-library.js';
import { measureQuerySpeed } from './similar/query-speed.js';
const bases = await baseVectors(300);
const n = Number(process.argv[2] ?? 10000);
console.log(JSON.stringify(await measureQuerySpeed(bases, n, 40, console.log), null, 1));
