// P2's floor: bare Node reading the same child's pipe and writing each chunk to a file, no
// lockstep at all. Prints the ms from spawn to the child's close (as the executor times an
// action). Usage: node pipe-floor.mjs OUTFILE ARGV_JSON
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const [out, argvJson] = process.argv.slice(2);
const [file, ...args] = JSON.parse(argvJson);
const fd = fs.openSync(out, 'w', 0o600);
const started = performance.now();
const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'] });
child.stdout.on('data', (chunk) => fs.writeSync(fd, chunk));
const code = await new Promise((resolve) => child.on('close', resolve));
fs.closeSync(fd);
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, code })}\n`);
