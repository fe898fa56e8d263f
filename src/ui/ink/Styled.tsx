// Colour through one door, so NO_COLOR turns all of it off: Ink's chalk does not read NO_COLOR.
// Bold, dim and inverse are not colours and stay (the cursor and the focused entry need them).
import { Text, type TextProps } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';
import { TONE_COLORS, type Tone } from './tones.js';

const ColorContext = createContext(true);
export const ColorProvider = ColorContext.Provider;
/** Whether colour is wanted (for the few props that take a colour outside <Styled>). */
export const useColor = (): boolean => useContext(ColorContext);

export type { Tone };

export function Styled({
  tone = 'plain',
  bold,
  inverse,
  wrap,
  children,
}: {
  readonly tone?: Tone;
  readonly bold?: boolean;
  readonly inverse?: boolean;
  readonly wrap?: TextProps['wrap'];
  readonly children?: ReactNode;
}) {
  const color = useContext(ColorContext);
  const props: TextProps = {
    ...(color && TONE_COLORS[tone] ? { color: TONE_COLORS[tone] } : {}),
    ...(tone === 'muted' ? { dimColor: true } : {}),
    ...(tone === 'strong' || bold ? { bold: true } : {}),
    ...(inverse ? { inverse: true } : {}),
    ...(wrap ? { wrap } : {}),
  };
  return <Text {...props}>{children}</Text>;
}
