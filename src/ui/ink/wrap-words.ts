// Word wrapping done here rather than by Ink: Ink wraps with wrap-ansi's trim off, which starts
// every continued line with the space it broke at.

/** Lines of at most `width` characters, broken at spaces; a longer word is cut. */
export function wrapWords(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter((x) => x.length > 0)) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= w) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
      while (line.length > w) {
        out.push(line.slice(0, w));
        line = line.slice(w);
      }
    }
    out.push(line);
  }
  return out;
}

/** Tabs as spaces, so Ink measures what the terminal shows. */
export { expandTabs } from '../text/format.js';
