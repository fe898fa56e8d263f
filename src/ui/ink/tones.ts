// The tones text is shown in, and the colour of each: Styled draws them through Ink, and the home
// menu's early frame (home-lines.ts) writes them before Ink is loaded. No Ink here.
export type Tone = 'ok' | 'bad' | 'warn' | 'accent' | 'muted' | 'strong' | 'plain';

/** A tone's colour when colour is wanted; muted is dim and strong bold, with or without colour. */
export const TONE_COLORS: Partial<Record<Tone, 'green' | 'red' | 'yellow' | 'cyan'>> = { ok: 'green', bad: 'red', warn: 'yellow', accent: 'cyan' };
