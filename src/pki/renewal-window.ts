// When a certificate is due: a third of its lifetime left, half for lifetimes under 10 days.
// Lifetimes shrink (Let's Encrypt: 90 → 64 → 45 days, a 6-day profile exists), so a fixed
// 30-day window would renew a 45-day certificate every two weeks and a 6-day one constantly.

const DAY = 86_400_000;

export function renewAt(notBefore: number, notAfter: number): number {
  const lifetime = notAfter - notBefore;
  return notAfter - (lifetime < 10 * DAY ? lifetime / 2 : lifetime / 3);
}

export function isDue(notBefore: number, notAfter: number, now = Date.now()): boolean {
  return now >= renewAt(notBefore, notAfter);
}

export const daysBetween = (from: number, to: number): number => Math.floor((to - from) / DAY);
