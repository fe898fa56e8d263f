// Just enough YAML for playbooks: maps, lists, scalars, and `!unsafe` text (Ansible never
// templates it, so a `{{` inside a config file or a command stays as it is). Multi-line text
// becomes a literal block with an explicit indentation and chomping, so it round-trips exactly.

export class Unsafe {
  constructor(readonly text: string) {}
}
export const unsafe = (text: string): Unsafe => new Unsafe(text);

export type Yaml = string | number | boolean | Unsafe | readonly Yaml[] | { readonly [key: string]: Yaml | undefined };

const isMap = (v: Yaml): v is { readonly [key: string]: Yaml | undefined } => typeof v === 'object' && !(v instanceof Unsafe) && !Array.isArray(v);

function scalar(v: string | number | boolean | Unsafe): string {
  if (v instanceof Unsafe) return `!unsafe ${JSON.stringify(v.text)}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A literal block for text a person will read in a diff (a file's content), when it can be one exactly. */
function block(text: string, indent: number): string[] | undefined {
  // Control characters (other than tab and newline) and a carriage return need the quoted form.
  if (!text.includes('\n') || /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(text)) return undefined;
  const chomp = !text.endsWith('\n') ? '-' : text.endsWith('\n\n') ? '+' : '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const pad = ' '.repeat(indent + 2);
  return [`!unsafe |2${chomp}`, ...body.split('\n').map((l) => (l === '' ? '' : `${pad}${l}`))];
}

function lines(v: Yaml, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${pad}[]`];
    return v.flatMap((item: Yaml) => {
      if (Array.isArray(item) || isMap(item)) {
        const inner = lines(item, indent + 2);
        return [`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
      }
      return [`${pad}- ${scalar(item as string)}`];
    });
  }
  if (isMap(v)) {
    const out: string[] = [];
    for (const [key, value] of Object.entries(v)) {
      if (value === undefined) continue;
      const k = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(key) ? key : JSON.stringify(key);
      if (Array.isArray(value) || isMap(value)) {
        if ((Array.isArray(value) && value.length === 0) || (isMap(value) && Object.keys(value).length === 0)) out.push(`${pad}${k}: ${Array.isArray(value) ? '[]' : '{}'}`);
        else out.push(`${pad}${k}:`, ...lines(value, indent + 2));
        continue;
      }
      const b = value instanceof Unsafe ? block(value.text, indent) : undefined;
      if (b !== undefined) out.push(`${pad}${k}: ${b[0]}`, ...b.slice(1));
      else out.push(`${pad}${k}: ${scalar(value as string)}`);
    }
    return out.length > 0 ? out : [`${pad}{}`];
  }
  return [`${pad}${scalar(v as string | number | boolean | Unsafe)}`];
}

export function toYaml(v: Yaml, header: readonly string[] = []): string {
  return `${[...header.map((h) => `# ${h}`.trimEnd()), '---', ...lines(v, 0)].join('\n')}\n`;
}
