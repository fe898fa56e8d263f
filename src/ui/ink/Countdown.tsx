// A deadline the run started (the firewall's rollback), counted down once a second while shown.
import { useEffect, useState } from 'react';
import { clock } from '../text/format.js';
import { Styled } from './Styled.js';

const secondsLeft = (at: number): number => Math.max(0, Math.ceil((at - Date.now()) / 1000));

export function useSecondsLeft(at: number): number {
  const [left, setLeft] = useState(() => secondsLeft(at));
  useEffect(() => {
    setLeft(secondsLeft(at));
    const timer = setInterval(() => {
      const now = secondsLeft(at);
      setLeft(now);
      if (now === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [at]);
  return left;
}

export function Countdown({ label, at }: { readonly label: string; readonly at: number }) {
  const left = useSecondsLeft(at);
  return (
    <Styled tone={left > 0 ? 'warn' : 'muted'} bold={left > 0}>
      {left > 0 ? `⏱ ${label}: ${left} s left (at ${clock(at)})` : `⏱ ${label}: time is up (${clock(at)})`}
    </Styled>
  );
}
