// Key-only SSH, judged from one `sshd -T` read: `lockstep ssh`'s verification and the checklist's
// ssh. group both call keyOnlyChecks, so "the step passed" and "the check passes" are one verdict.
import { fail, pass, seed, skip, verdict, warn, type AuditItem, type CheckGroup } from '../core/checks.js';
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import { userKeys } from './authorized-keys.js';
import { configLines, DROPIN, KEY_ONLY_KEYS, readSshd, sameSetting, where, type ConfigLine, type SshdView } from './sshd-effective.js';

export interface KeyOnlyWanted {
  readonly permitRootLogin: string;
  readonly allowUsers?: readonly string[];
  readonly allowGroups?: readonly string[];
}

export const keyOnlyExpected = (permitRootLogin: string): Record<string, string> => ({
  passwordauthentication: 'no',
  kbdinteractiveauthentication: 'no',
  permitrootlogin: permitRootLogin,
  pubkeyauthentication: 'yes',
});

/** `lockstep ssh`'s verification: the effective values are key-only (and the allow lists, when given). */
export function keyOnlyChecks(view: SshdView | string, wanted: KeyOnlyWanted): Check[] {
  if (typeof view === 'string') return [{ name: 'sshd -T reads the configuration', ok: false, evidence: view }];
  const s = view.settings;
  const checks: Check[] = Object.entries(keyOnlyExpected(wanted.permitRootLogin)).map(([k, want]) => ({
    name: `effective ${k} is ${want} (sshd -T)`,
    ok: sameSetting(s[k], want),
    evidence: `sshd -T says ${k} ${s[k] ?? '(absent)'}`,
  }));
  for (const [key, want] of [['allowusers', wanted.allowUsers ?? []], ['allowgroups', wanted.allowGroups ?? []]] as const) {
    if (want.length === 0) continue;
    const seen = view.lists[key] ?? [];
    checks.push({ name: `effective ${key} is ${want.join(' ')} (sshd -T)`, ok: seen.join(' ') === want.join(' '), evidence: `sshd -T says ${key} ${seen.join(' ') || '(absent)'}` });
  }
  return checks;
}

const SSH_SEED = seed('lockdown', 'Configuring and locking down SSH access. It is assumed that SSH passwordless access is implemented.');
const FIX = 'lockstep ssh --user <your login user>';
const ROOT_OK = ['prohibit-password', 'without-password', 'no', 'forced-commands-only'];

/** Which file and line set `key` (the first, which sshd keeps), and the later ones it ignores. */
function setBy(lines: readonly ConfigLine[], key: string): { first?: ConfigLine; ignored: ConfigLine[] } {
  const all = lines.filter((l) => l.key === key);
  return { ...(all[0] !== undefined ? { first: all[0] } : {}), ignored: all.slice(1).filter((l) => l.value.toLowerCase() !== all[0]!.value.toLowerCase()) };
}

const origin = (lines: readonly ConfigLine[], key: string): string => {
  const { first } = setBy(lines, key);
  return first !== undefined ? ` (set by ${where(first)})` : ' (the default: no file sets it)';
};

function settingItems(view: SshdView, lines: readonly ConfigLine[]): AuditItem[] {
  const byName = new Map(keyOnlyChecks(view, { permitRootLogin: 'prohibit-password' }).map((c) => [c.name.split(' ')[1]!, c]));
  const s = view.settings;
  const item = (id: string, key: string, title: string): AuditItem =>
    verdict(byName.get(key)?.ok === true, { id, title, evidence: `${byName.get(key)?.evidence ?? ''}${origin(lines, key)}`, fix: FIX, seed: SSH_SEED });
  const root = s.permitrootlogin ?? '(absent)';
  return [
    item('ssh.passwords', 'passwordauthentication', 'Password logins are off'),
    item('ssh.kbd-interactive', 'kbdinteractiveauthentication', 'Keyboard-interactive logins are off'),
    verdict(ROOT_OK.includes(root), { id: 'ssh.root-login', title: 'Root logs in with a key only (or not at all)', evidence: `sshd -T says permitrootlogin ${root}${origin(lines, 'permitrootlogin')}`, fix: `${FIX} --permit-root-login prohibit-password`, seed: SSH_SEED }),
  ];
}

/** A drop-in whose key-only lines sshd ignores because an earlier file set them first. */
function overrideItem(lines: readonly ConfigLine[], view: SshdView): AuditItem {
  const base = { id: 'ssh.dropin-order', title: 'No earlier file overrides a key-only setting', fix: `${FIX} (writes ${DROPIN}, read first)`, seed: SSH_SEED };
  const weakened: string[] = [];
  const shadowed: string[] = [];
  for (const key of KEY_ONLY_KEYS) {
    const { first, ignored } = setBy(lines, key);
    if (first === undefined || ignored.length === 0) continue;
    const say = `${ignored.map((l) => `${where(l)} says ${l.value}`).join(', ')}, ignored: sshd keeps ${where(first)}'s ${first.value}`;
    const strict = key === 'pubkeyauthentication' ? 'yes' : key === 'permitrootlogin' ? undefined : 'no';
    const weak = strict !== undefined ? !sameSetting(view.settings[key], strict) : !ROOT_OK.includes(view.settings[key] ?? '');
    (weak ? weakened : shadowed).push(`${key}: ${say}`);
  }
  if (weakened.length > 0) return fail({ ...base, evidence: weakened.join('; ') });
  return pass({ ...base, evidence: shadowed.length > 0 ? shadowed.join('; ') : 'no two files set a key-only setting differently' });
}

async function keysItem(sys: System, view: SshdView): Promise<AuditItem> {
  const base = { id: 'ssh.keys', title: 'The users allowed to log in have a key', fix: 'ssh-copy-id from your workstation, then log in with the key once', seed: SSH_SEED };
  const allowed = (view.lists.allowusers ?? []).flatMap((u) => u.split(/\s+/)).map((u) => u.replace(/@.*$/, '')).filter((u) => u !== '' && !/[*?]/.test(u));
  const passwd = (await sys.readText('/etc/passwd')) ?? '';
  const loginUsers = passwd.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 7 && (f[0] === 'root' || Number(f[2]) >= 1000) && !/(nologin|false)$/.test(f[6]!) && f[0] !== 'nobody').map((f) => f[0]!);
  const users = allowed.length > 0 ? allowed : loginUsers;
  const keys = await Promise.all(users.map((u) => userKeys(sys, u)));
  const withKeys = keys.filter((k) => k.validKeys > 0);
  const evidence = keys.map((k) => `${k.user}: ${k.validKeys} valid key(s) in ${k.file ?? '(no home in /etc/passwd)'}`).join('; ') || 'no login user in /etc/passwd';
  const passwordsOff = sameSetting(view.settings.passwordauthentication, 'no');
  if (withKeys.length === 0) return (passwordsOff ? fail : warn)({ ...base, evidence: `${evidence}${allowed.length > 0 ? ' (AllowUsers)' : ''}` });
  return verdict(withKeys.length === keys.length, { ...base, evidence }, 'warn');
}

function allowItem(view: SshdView): AuditItem {
  const users = (view.lists.allowusers ?? []).join(' ');
  const groups = (view.lists.allowgroups ?? []).join(' ');
  return verdict(users !== '' || groups !== '', {
    id: 'ssh.allow',
    title: 'Logins limited to named users or groups (AllowUsers / AllowGroups)',
    evidence: users !== '' || groups !== '' ? `sshd -T says${users !== '' ? ` allowusers ${users}` : ''}${groups !== '' ? ` allowgroups ${groups}` : ''}` : 'sshd -T prints no allowusers or allowgroups: any account with a key may log in',
    fix: `${FIX} --allow-users <names> (or --allow-groups)`,
    seed: SSH_SEED,
  }, 'warn');
}

/** OpenSSH's defaults for what the files leave unset (sshd_config(5), OpenSSH 9). */
const DEFAULTS: Readonly<Record<string, string>> = { passwordauthentication: 'yes', kbdinteractiveauthentication: 'yes', permitrootlogin: 'prohibit-password', pubkeyauthentication: 'yes' };

/** The settings as the files give them (first value wins, as in sshd), for when sshd -T cannot run. */
function fileView(lines: readonly ConfigLine[]): SshdView {
  const settings: Record<string, string> = { ...DEFAULTS };
  const seen = new Set<string>();
  const lists: Record<string, string[]> = {};
  for (const l of lines) {
    const key = l.key === 'challengeresponseauthentication' ? 'kbdinteractiveauthentication' : l.key;
    if (key === 'allowusers' || key === 'allowgroups') (lists[key] ??= []).push(...l.value.split(/\s+/));
    else if (!seen.has(key)) {
      settings[key] = l.value.toLowerCase();
      seen.add(key);
    }
  }
  return { settings, lists, argv: [] };
}

export const sshChecks: CheckGroup = {
  prefix: 'ssh',
  title: 'SSH',
  async run({ sys }) {
    if ((await sys.stat('/etc/ssh/sshd_config')) === undefined) {
      return [skip({ id: 'ssh.config', title: 'sshd configuration', evidence: `${sys.real('/etc/ssh/sshd_config')} is missing`, fix: 'apt-get install openssh-server', seed: SSH_SEED }, 'no sshd_config: openssh-server is not installed here')];
    }
    const [view, lines] = await Promise.all([readSshd(sys, 'root'), configLines(sys)]);
    if (typeof view === 'string') {
      // sshd cannot say (not installed, or it refuses the files): judge the files the way sshd
      // reads them, first value wins, and say that this is what was read.
      const missing = /not found \(is it installed/.test(view);
      const config = { id: 'ssh.config', title: 'sshd -T reads the configuration', evidence: `sshd -T: ${view}`, fix: 'sshd -t shows the error; correct the file it names', seed: SSH_SEED };
      const fromFiles = fileView(lines);
      return [missing ? skip(config, 'sshd is not installed here: the settings below are read from the files') : fail(config), ...settingItems(fromFiles, lines), overrideItem(lines, fromFiles), await keysItem(sys, fromFiles), allowItem(fromFiles)].map((i) => (i.id === 'ssh.config' ? i : { ...i, evidence: i.evidence.replace(/sshd -T says/g, 'the files say') }));
    }
    return [...settingItems(view, lines), overrideItem(lines, view), await keysItem(sys, view), allowItem(view)];
  },
};
