// Secret values live here and nowhere else: plans name them, the executor hands them to a
// child on a file descriptor, and every event, log line and journal record passes through
// `redact` before it leaves the process.

export const MASK = '********';

export class SecretStore {
  readonly #values = new Map<string, string>();
  #version = 0;

  set(name: string, value: string): void {
    this.#values.set(name, value);
    this.#version += 1;
  }

  /** Grows with every secret set: what was read with the secrets of one version is still true. */
  get version(): number {
    return this.#version;
  }

  get(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`Secret "${name}" was not provided.`);
    return value;
  }

  /** No secret to hide (none was ever set: they are never removed), so nothing needs redacting. */
  get empty(): boolean {
    return this.#values.size === 0;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.#values.values()) {
      if (value.length > 0 && out.includes(value)) out = out.split(value).join(MASK);
    }
    return out;
  }

  /** A deep copy with every string redacted. */
  redactDeep<T>(value: T): T {
    if (this.empty) return value;
    return walk(value, (s) => this.redact(s)) as T;
  }
}

function walk(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, fn)]));
  }
  return value;
}
