// `lockstep ssh`: key-only SSH as the seed assumes. sshd keeps the first value it reads, so the
// drop-in is named to be read first (00-), checked with `sshd -t` before sshd reloads, and the
// effective settings are read back with `sshd -T`, not from the file.
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { processOfRoot } from '../core/sandbox.js';
import { selfCommand } from '../core/self-command.js';
import { userKeys, type UserKeys } from './authorized-keys.js';
import { keyOnlyChecks } from './ssh-checks.js';
import { DROPIN, DROPIN_DIR, readSshd, SSHD_CONFIG } from './sshd-effective.js';

export { DROPIN, DROPIN_DIR, SSHD_CONFIG, effectiveList, effectiveSettings, sshdTArgv } from './sshd-effective.js';
const PREVIOUS = '/var/lib/lockstep/ssh/00-lockstep.conf.previous';
const PID_FILE = '/run/sshd.pid';

export interface SshFacts {
  readonly users: readonly UserKeys[];
  readonly mainConfig?: string;
  readonly includesDropins: boolean;
  readonly previousDropin?: string;
  readonly sshdPid?: number;
  /** Under --root: the pid file names a process that is not the root's own sshd; never signalled. */
  readonly foreignSshdPid?: number;
  /** Each keyed user's groups (primary and supplementary), from /etc/passwd and /etc/group. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

const NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

/** A comma or space list of user or group names; "none" (or nothing) for none. */
export function nameList(value: unknown): string[] {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' || text === 'none' ? [] : text.split(/[\s,]+/).filter((n) => n !== '');
}

const checkNames = (what: string) => (v: string): string | undefined => {
  const bad = nameList(v).filter((n) => !NAME.test(n));
  return bad.length > 0 ? `not a valid ${what} name: ${bad.map((n) => `"${n}"`).join(', ')} (letters, digits, _ . -; no patterns)` : undefined;
};

/** Groups of `user`: the primary one from /etc/passwd, the others where /etc/group lists them. */
export function groupsOf(passwd: string, group: string, user: string): string[] {
  const gid = passwd.split('\n').map((l) => l.split(':')).find((f) => f[0] === user)?.[3];
  return group.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 4 && (f[2] === gid || f[3]!.split(',').includes(user))).map((f) => f[0]!);
}

const loginUser = (): string => process.env.SUDO_USER || process.env.USER || process.env.LOGNAME || 'root';

export const sshQuestions: readonly Question[] = [
  {
    kind: 'text',
    id: 'user',
    message: 'Login user who must keep access with a key',
    help: 'lockstep refuses to turn passwords off unless this user (and the one running sudo) has a valid key in authorized_keys.',
    default: () => loginUser(),
    validate: (v) => (/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(v) ? undefined : `"${v}" is not a user name`),
  },
  {
    kind: 'select',
    id: 'permitRootLogin',
    message: 'Root login over SSH',
    default: 'prohibit-password',
    choices: [
      { value: 'prohibit-password', label: 'prohibit-password', hint: 'root only with a key' },
      { value: 'no', label: 'no', hint: 'never as root; log in as a user and use sudo' },
    ],
  },
  {
    kind: 'text',
    id: 'allowUsers',
    message: 'Only these users may log in over SSH (AllowUsers; none for no such limit)',
    help: 'Comma list of user names. The login user must be among them, or the plan is refused.',
    default: 'none',
    validate: checkNames('user'),
  },
  {
    kind: 'text',
    id: 'allowGroups',
    message: 'Only members of these groups may log in over SSH (AllowGroups; none for no such limit)',
    help: 'Comma list of group names. The login user must be in one of them, or the plan is refused.',
    default: 'none',
    validate: checkNames('group'),
  },
];

/** Why `u` would be locked out, one cause each. */
function lockedOut(u: UserKeys): string {
  if (u.file === undefined) return `${u.user} is not in /etc/passwd (or has no home folder there)`;
  if (u.fileExists !== true) return `${u.user} has no ${u.file}`;
  return `${u.user}'s ${u.file} holds no valid public key line`;
}

/** What to do about that cause: not ssh-copy-id for an account that does not exist. */
function unlockHint(u: UserKeys): string {
  if (u.file === undefined) {
    return `${u.user}: give --user the account you log in with (a line of /etc/passwd with its home folder), or create it first (adduser ${u.user}).`;
  }
  if (u.fileExists !== true) return `${u.user}: add your public key from your workstation (ssh-copy-id ${u.user}@this-server), log in with it once, then run this again.`;
  return `${u.user}: each line of ${u.file} must be "TYPE BASE64 [comment]" (ssh-ed25519, ecdsa-sha2-*, ssh-rsa…); fix the line, or add your key again with ssh-copy-id ${u.user}@this-server.`;
}

export function dropinText(answers: Answers): string {
  return [
    '# Written by lockstep ssh: key-only logins. Named 00- so sshd reads it first: sshd keeps the',
    '# first value it meets, and later files (e.g. 50-cloud-init.conf) cannot turn passwords back on.',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    `PermitRootLogin ${answers.permitRootLogin as string}`,
    'PubkeyAuthentication yes',
    ...(nameList(answers.allowUsers).length > 0 ? [`AllowUsers ${nameList(answers.allowUsers).join(' ')}`] : []),
    ...(nameList(answers.allowGroups).length > 0 ? [`AllowGroups ${nameList(answers.allowGroups).join(' ')}`] : []),
    '',
  ].join('\n');
}

/** Does an Include line of the main config cover the drop-in folder (as on the server, or under --root)? */
export function includesDropins(config: string, sys: System): boolean {
  const wanted = [`${DROPIN_DIR}/*.conf`, sys.real(`${DROPIN_DIR}/*.conf`), `sshd_config.d/*.conf`];
  return config.split('\n').some((line) => {
    const m = /^\s*Include\s+(.+?)\s*$/i.exec(line);
    return m !== null && m[1]!.split(/\s+/).some((w) => wanted.includes(w));
  });
}

export const sshStep: Step<SshFacts> = {
  id: 'ssh',
  title: 'Key-only SSH',
  description: 'Turns password and keyboard-interactive logins off once the login user has a working key; checked with sshd -t and read back with sshd -T.',
  questions: sshQuestions,

  async needs(_preset, sys) {
    if ((await sys.stat(SSHD_CONFIG)) !== undefined) return [];
    return [{ missing: `sshd is not installed here: there is no ${SSHD_CONFIG}`, how: 'Install it with apt-get install openssh-server' }];
  },

  async facts(answers, sys) {
    const names = [...new Set([answers.user as string | undefined, process.env.SUDO_USER].filter((u): u is string => typeof u === 'string' && u !== ''))];
    const users = await Promise.all(names.map((u) => userKeys(sys, u)));
    const mainConfig = await sys.readText(SSHD_CONFIG);
    const previousDropin = await sys.readText(DROPIN);
    const pidText = (await sys.readText(PID_FILE))?.trim();
    const pid = pidText !== undefined && /^[0-9]+$/.test(pidText) ? Number(pidText) : undefined;
    const passwd = (await sys.readText('/etc/passwd')) ?? '';
    const group = (await sys.readText('/etc/group')) ?? '';
    return {
      users,
      groups: Object.fromEntries(names.map((u) => [u, groupsOf(passwd, group, u)])),
      ...(mainConfig !== undefined ? { mainConfig } : {}),
      includesDropins: mainConfig !== undefined && includesDropins(mainConfig, sys),
      ...(previousDropin !== undefined ? { previousDropin } : {}),
      ...(pid !== undefined && (await processOfRoot(pid, sys.root)) ? { sshdPid: pid } : {}),
      ...(pid !== undefined && !(await processOfRoot(pid, sys.root)) ? { foreignSshdPid: pid } : {}),
    };
  },

  plan(answers, facts) {
    const locked = facts.users.filter((u) => u.validKeys === 0);
    if (locked.length > 0) {
      throw new UserError(
        `Refusing to turn passwords off: ${locked.map(lockedOut).join('; ')}.`,
        undefined,
        locked.map(unlockHint),
      );
    }
    const allowUsers = nameList(answers.allowUsers);
    const allowGroups = nameList(answers.allowGroups);
    for (const u of facts.users) {
      if (allowUsers.length > 0 && !allowUsers.includes(u.user)) {
        throw new UserError(`Refusing AllowUsers ${allowUsers.join(' ')}: ${u.user} (who keeps access with a key) is not in it and could no longer log in.`, `Add ${u.user} to --allow-users.`);
      }
      const mine = facts.groups[u.user] ?? [];
      if (allowGroups.length > 0 && !allowGroups.some((g) => mine.includes(g))) {
        throw new UserError(
          `Refusing AllowGroups ${allowGroups.join(' ')}: ${u.user} is in ${mine.length > 0 ? mine.join(', ') : 'no group /etc/group lists'}, none of them, and could no longer log in.`,
          `Add one of ${u.user}'s groups to --allow-groups, or add ${u.user} to one of the groups first.`,
        );
      }
    }
    if (facts.mainConfig === undefined) throw new UserError(`${SSHD_CONFIG} does not exist: is openssh-server installed?`, 'apt-get install openssh-server');
    // "$@" is the check: sshd -t on a server; under --root, lockstep's helper runs it on a mapped copy.
    const check = facts.previousDropin !== undefined
      ? 'd=$1; p=$2; shift 2; "$@" && exit 0; echo "sshd -t refused the configuration: restoring the previous drop-in" >&2; cp "$p" "$d"; exit 1'
      : 'd=$1; shift 2; "$@" && exit 0; echo "sshd -t refused the configuration: removing the new drop-in" >&2; rm -f "$d"; exit 1';
    const checkWith = (...command: (string | ReturnType<typeof p>)[]) => ['sh', '-c', check, 'sshd-check', p(DROPIN), p(PREVIOUS), ...command];
    const actions: Action[] = [
      { kind: 'mkdir', title: `Create ${DROPIN_DIR}`, path: DROPIN_DIR, mode: 0o755 },
      ...(facts.previousDropin !== undefined
        ? [
            { kind: 'mkdir', title: 'Create /var/lib/lockstep/ssh', path: '/var/lib/lockstep/ssh', mode: 0o700 } as const,
            { kind: 'write', title: 'Keep a copy of the current drop-in to restore', path: PREVIOUS, content: facts.previousDropin, mode: 0o600 } as const,
          ]
        : []),
      { kind: 'write', title: `Write ${DROPIN}`, path: DROPIN, content: dropinText(answers), mode: 0o644 },
      { kind: 'mkdir', title: 'Create /run/sshd (sshd -t needs its privilege separation folder)', path: '/run/sshd', mode: 0o755 },
      {
        kind: 'run',
        title: 'Check the whole sshd configuration (sshd -t); undo the drop-in if it fails',
        argv: checkWith('sshd', '-t', '-f', p(SSHD_CONFIG)),
        sandbox: {
          argv: checkWith(...selfCommand(), 'internal', 'sshd-test', p('/', '--root=')),
          note: `sandbox (--root): sshd -t reads a temporary copy of the root's ${SSHD_CONFIG} with its Include lines and host keys mapped into the root, not the host's drop-ins`,
        },
      },
    ];
    if (facts.sshdPid !== undefined) {
      actions.push({ kind: 'run', title: `Reload sshd (pid ${facts.sshdPid}); open sessions stay`, argv: ['kill', '-HUP', String(facts.sshdPid)] });
    }
    return actions;
  },

  async verify(answers, sys) {
    const view = await readSshd(sys, answers.user as string);
    return keyOnlyChecks(view, {
      permitRootLogin: answers.permitRootLogin as string,
      allowUsers: nameList(answers.allowUsers),
      allowGroups: nameList(answers.allowGroups),
    });
  },

  summary(answers) {
    return [
      `Password and keyboard-interactive logins are off; root login: ${answers.permitRootLogin as string}. Settings in ${DROPIN}.`,
      'Keep this session open and try a new SSH login with your key before you log out.',
    ];
  },

  notes(_answers, facts) {
    const notes = facts.users.map((u) => `${u.user}: ${u.validKeys} valid key(s) in ${u.file ?? '?'}`);
    if (facts.mainConfig !== undefined && !facts.includesDropins) {
      notes.push(`warning: ${SSHD_CONFIG} has no "Include ${DROPIN_DIR}/*.conf": the drop-in will be ignored until you add it at the top; verification will fail.`);
    }
    if (facts.foreignSshdPid !== undefined) {
      notes.push(`${PID_FILE} names pid ${facts.foreignSshdPid}, which is not this root's sshd (its command line does not name the root): lockstep does not signal it from a sandbox.`);
    } else if (facts.sshdPid === undefined) notes.push(`sshd is not running (no ${PID_FILE}): the settings apply when it starts.`);
    return notes;
  },
};
