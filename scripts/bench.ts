// npm run bench: the figures an operator waiting at a prompt feels. Not a test: it prints.
//   start-up of --version / --help, time to first frame in a real terminal (tmux) against a
//   bare Ink hello-world, the self-signed flow per key type against raw openssl, and the live
//   log pane with 100,000 lines (time and peak memory), and what running a step inside a
//   sequence (onboard) costs over running it alone.
import { build } from 'esbuild';
import { execa, execaSync } from 'execa';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO } from '../test/helpers.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function hasTmux(): boolean {
  try {
    execaSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

/** Starts `command` in a fresh tmux session and returns the ms until `text` is on screen. */
async function firstFrame(command: string, text: string): Promise<number> {
  const name = `lockstep-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const t = performance.now();
  await execa('tmux', ['new-session', '-d', '-s', name, '-x', '120', '-y', '40', `env -u CI ${command}`]);
  try {
    for (;;) {
      const { stdout } = await execa('tmux', ['capture-pane', '-p', '-t', name]);
      if (stdout.includes(text)) return performance.now() - t;
      if (performance.now() - t > 20_000) throw new Error(`no "${text}" on screen after 20 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await execa('tmux', ['kill-session', '-t', name], { reject: false });
  }
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-'));
  try {
    console.log('# lockstep benchmark', new Date().toISOString(), `${os.cpus().length} CPUs, node ${process.version}`);

    console.log('\n## start-up (median of 10)');
    for (const args of [['--version'], ['--help'], ['cert', 'self-signed', '--help']]) {
      const t = await timeIt(() => execa('node', [BIN, ...args]), 10);
      console.log(`lockstep ${args.join(' ')}: ${ms(t)}`);
    }
    const bare = await timeIt(() => execa('node', ['-e', '0']), 10);
    console.log(`(node -e 0 for reference: ${ms(bare)})`);

    if (hasTmux()) {
      console.log('\n## time to first frame in tmux (median of 5)');
      const hello = path.join(work, 'hello', 'hello.js');
      await build({
        entryPoints: [path.join(REPO, 'scripts/bench/hello.tsx')],
        outdir: path.dirname(hello),
        splitting: true, // as lockstep's own build: Ink's devtools chunk (react-devtools-core) stays unloaded
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        external: ['react-devtools-core'],
        define: { 'process.env.NODE_ENV': '"production"' },
        banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
        logLevel: 'error',
      });
      const frames: number[] = [];
      const homes: number[] = [];
      for (let i = 0; i < 5; i++) {
        frames.push(await firstFrame(`node ${hello}`, 'hello from ink'));
        homes.push(await firstFrame(`node ${BIN} --root ${work}`, 'Self-signed certificate'));
      }
      console.log(`bare Ink hello-world (bundled): ${ms(median(frames))}`);
      console.log(`lockstep home menu:             ${ms(median(homes))}`);
      const onboardFrames: number[] = [];
      for (let i = 0; i < 5; i++) onboardFrames.push(await firstFrame(`node ${BIN} --root ${work} onboard`, 'Which parts should this run set up?'));
      console.log(`lockstep onboard, first question: ${ms(median(onboardFrames))}`);
    } else {
      console.log('\n(tmux not installed: time to first frame skipped)');
    }

    console.log('\n## crypto: the self-signed flow against raw openssl genpkey (median of 3)');
    for (const [type, genpkey] of [
      ['ec-p256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']],
      ['rsa2048', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
      ['rsa4096', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096']],
    ] as const) {
      const raw = await timeIt(() => execa('openssl', ['genpkey', ...genpkey], { stdout: 'ignore', stderr: 'ignore' }), 3);
      let n = 0;
      const flow = await timeIt(async () => {
        const root = path.join(work, `flow-${type}-${n++}`);
        await fs.mkdir(root);
        await execa('node', [BIN, '--root', root, 'cert', 'self-signed', '--host', 'bench.example.org', '--key-type', type, '--yes']);
      }, 3);
      console.log(`${type}: openssl genpkey ${ms(raw)}; whole flow (plan, key, certificate, journal, verify) ${ms(flow)}`);
    }

    console.log('\n## sequences: onboard\'s certificate part (choice + self-signed ec-p256, unattended) against the step alone (median of 5)');
    const answers = path.join(work, 'onboard.json');
    await fs.writeFile(answers, JSON.stringify({ steps: ['cert'], cert: { public: false, vendorRequired: false, method: 'self-signed' }, 'cert self-signed': { host: ['bench.example.org'] } }));
    let m = 0;
    const fresh = async (): Promise<string> => {
      const root = path.join(work, `seq-${m++}`);
      await fs.mkdir(root);
      return root;
    };
    const alone = await timeIt(async () => execa('node', [BIN, '--root', await fresh(), 'cert', 'self-signed', '--host', 'bench.example.org', '--yes']), 5);
    const inOnboard = await timeIt(async () => execa('node', [BIN, '--root', await fresh(), '--answers', answers, '--yes', 'onboard']), 5);
    console.log(`cert self-signed alone ${ms(alone)}; inside lockstep onboard ${ms(inOnboard)} (the sequence adds ${ms(inOnboard - alone)})`);

    const logBench = path.join(REPO, 'scripts/bench/log-pane.tsx');
    if (await fs.stat(logBench).catch(() => undefined)) {
      console.log('\n## live log pane, 100,000 lines through the TUI');
      const { stdout } = await execa('node', ['--import', 'tsx', logBench], { cwd: REPO, env: { NODE_ENV: 'production' }, stdin: 'ignore' });
      console.log(stdout);
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
