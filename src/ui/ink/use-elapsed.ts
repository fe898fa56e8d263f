// Whole seconds since `since` changed: a long command (an RSA 4096 key, an apt upgrade) visibly
// still runs even when it prints nothing. One render a second, only while it is shown.
import { useEffect, useState } from 'react';

export function useElapsedSeconds(since: unknown): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    setSeconds(0);
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return seconds;
}
