// A plan is a list of these: plain data, built without touching the machine, shown in the
// preview, stored in the journal, applied by the executor. Paths are the target system's
// (absolute, as on the server); `--root` maps them when they are read or written.

/** An argument that is a path on the target system, mapped through --root when run. */
export interface PathArg {
  readonly path: string;
  /** Text before the mapped path in the same word: `-o Dir=` + path, `--root=` + path. */
  readonly prefix?: string;
}
export type Arg = string | PathArg;

export interface RunAction {
  readonly kind: 'run';
  readonly title: string;
  readonly argv: readonly Arg[];
  /** Non-secret text fed to the command's standard input (shown in the preview). */
  readonly stdin?: string;
  /** Non-secret variables for the command (APT_CONFIG under --root), shown before it in the preview. */
  readonly env?: Readonly<Record<string, Arg>>;
  /** Secrets handed to the child on extra file descriptors (e.g. `-pass fd:3`), never argv. */
  readonly secretFds?: readonly { readonly fd: number; readonly secret: string }[];
  /**
   * The command's standard output goes to this file instead of the log: created with `mode`
   * before the command starts, renamed into place only when the command succeeds.
   */
  readonly stdoutTo?: { readonly path: string; readonly mode: number };
  /**
   * What runs instead under a --root other than /: the same check with the tool's own absolute
   * paths mapped into the root (sshd's Include lines, nginx's pid file). The plan's `argv` is
   * what runs on a server (and what an export renders); the preview shows the one that will run.
   */
  readonly sandbox?: { readonly argv: readonly Arg[]; readonly note: string };
  /** Once the command succeeds, something runs out in `seconds` (a rollback): front ends count down. */
  readonly deadline?: { readonly label: string; readonly seconds: number };
  readonly concurrency?: Concurrency;
  /** Done, it is one more of this count: the front ends draw "12/20 hosts signed". */
  readonly counts?: string;
}

/**
 * Actions that may run beside others. The adjacent actions of one `group` run as chains side by
 * side, os.availableParallelism() chains at once (key generation is CPU-bound and each host's
 * files are its own); the actions of one `chain` in plan order. From its first action naming an
 * `exclusive` resource on, a chain waits for the chains before it: the resource (`openssl ca` and
 * its index.txt and serial) is never used by two at once, and is used in plan order.
 */
export interface Concurrency {
  readonly group: string;
  readonly chain: string;
  readonly exclusive?: string;
}

export interface WriteFileAction {
  readonly kind: 'write';
  readonly title: string;
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** A new file derived from another (a dedicated copy of openssl.cnf): the preview diffs against it. */
  readonly basedOn?: { readonly path: string; readonly content: string };
  /** As RunAction's. */
  readonly counts?: string;
  readonly concurrency?: Concurrency;
  /** The operator's file (a cookbook's files/): written as given, not under --root (core/paths.ts). */
  readonly operator?: boolean;
}

/**
 * A structured change to an existing file: the step computed `after` from `before` with its
 * own parser; `changes` says in words what was edited. Refused at apply time if the file no
 * longer holds `before` (somebody changed it since the preview).
 */
export interface EditFileAction {
  readonly kind: 'edit';
  readonly title: string;
  readonly path: string;
  readonly before: string;
  readonly after: string;
  readonly changes: readonly string[];
  /** The operator's file (a Chef node JSON): edited as given, not under --root (core/paths.ts). */
  readonly operator?: boolean;
}

export interface MkdirAction {
  readonly kind: 'mkdir';
  readonly title: string;
  readonly path: string;
  readonly mode: number;
  readonly concurrency?: Concurrency;
}

export interface ChmodAction {
  readonly kind: 'chmod';
  readonly title: string;
  readonly path: string;
  readonly mode: number;
}

export interface MoveAction {
  readonly kind: 'move';
  readonly title: string;
  readonly from: string;
  readonly to: string;
  /** Once moved, a countdown an earlier run started no longer runs out (the firewall's rollback withdrawn). */
  readonly endsDeadline?: { readonly label: string; readonly message: string };
}

export type Action = RunAction | WriteFileAction | EditFileAction | MkdirAction | ChmodAction | MoveAction;

/** The argv that runs on this System: the sandbox's under a --root other than /. */
export function argvOn(action: RunAction, root: string): readonly Arg[] {
  return root !== '/' && action.sandbox !== undefined ? action.sandbox.argv : action.argv;
}

export const p = (path: string, prefix?: string): PathArg => (prefix === undefined ? { path } : { path, prefix });

export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
