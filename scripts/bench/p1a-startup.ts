// P1a: lockstep --version and --help against `node -e 0` (node's own start-up), in turn.
import { interleaved, type Figure } from './table.js';

export const figure: Figure = {
  id: 'P1a',
  title: 'start-up',
  async rows({ bin, runs }) {
    const n = runs * 2;
    const [bare, version, help, sub] = interleaved([['node', '-e', '0'], ['node', bin, '--version'], ['node', bin, '--help'], ['node', bin, 'ca', 'sign', '--help']], n);
    const anchorName = 'node -e 0';
    return [
      { id: 'P1a', what: 'lockstep --version', lockstep: version, anchor: bare, anchorName, unit: 'ms', runs: n, maxRatio: 1.3 },
      { id: 'P1a', what: 'lockstep --help', lockstep: help, anchor: bare, anchorName, unit: 'ms', runs: n, maxRatio: 1.3 },
      { id: 'P1a', what: 'lockstep ca sign --help', lockstep: sub, anchor: bare, anchorName, unit: 'ms', runs: n },
    ];
  },
};
