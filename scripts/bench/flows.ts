// Figures kept from before the table, to see that nothing else got slower: the self-signed flow
// against raw openssl genpkey, and what running a step inside onboard costs over running it alone.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { median, type Figure } from './table.js';

async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export const figure: Figure = {
  id: 'F',
  title: 'flows',
  async rows({ bin, work, runs }) {
    let n = 0;
    const fresh = async (): Promise<string> => {
      const root = path.join(work, `root-${n++}`);
      await fs.mkdir(root);
      return root;
    };
    const env = { CI: 'true', NO_COLOR: '1' };
    const genpkey = await timeIt(() => execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], { stdout: 'ignore' }), runs);
    const selfSigned = await timeIt(async () => execa('node', [bin, '--root', await fresh(), 'cert', 'self-signed', '--host', 'bench.example.org', '--key-type', 'ec-p256', '--yes'], { env }), runs);
    const answers = path.join(work, 'onboard.json');
    await fs.writeFile(answers, JSON.stringify({ steps: ['cert'], cert: { public: false, vendorRequired: false, method: 'self-signed' }, 'cert self-signed': { host: ['bench.example.org'] } }));
    const inOnboard = await timeIt(async () => execa('node', [bin, '--root', await fresh(), '--answers', answers, '--yes', 'onboard'], { env }), runs);
    return [
      { id: 'F', what: 'cert self-signed ec-p256, whole flow', lockstep: selfSigned, anchor: genpkey, anchorName: 'openssl genpkey EC P-256', unit: 'ms', runs },
      { id: 'F', what: 'the same inside lockstep onboard', lockstep: inOnboard, anchor: selfSigned, anchorName: 'cert self-signed alone', unit: 'ms', runs },
    ];
  },
};
