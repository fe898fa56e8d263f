// The root: owns the state, connects the engine (prompts, events, runs) and is the one place
// the app exits from (STYLE.md: one exit point).
import { Box, useApp } from 'ink';
import { useEffect, useMemo } from 'react';
import { JOURNAL_FILE } from '../../core/journal.js';
import type { Flow, MenuEntry } from '../../flows/index.js';
import type { Session } from '../../core/session.js';
import { HomeMenu } from './HomeMenu.js';
import { homeItems } from './home-items.js';
import { InkPrompter } from './ink-prompter.js';
import { RunScreen } from './RunScreen.js';
import { ColorProvider } from './Styled.js';
import { Transcript } from './Transcript.js';
import { useEngineEvents } from './use-engine-events.js';
import { useOutbox, useResumeOffer, type FlowSource } from './use-runner.js';
import { useWizardInput } from './use-wizard-input.js';
import { useWizardState } from './use-wizard-state.js';

export interface AppProps {
  readonly session: Session;
  /** The home menu: flows, or their entries alone when `source` loads them (the manifest's menu). */
  readonly flows: readonly (Flow | MenuEntry)[];
  readonly source?: FlowSource;
  /** Run this flow at once (a command was given); exit when it ends. */
  readonly start?: Flow;
  /** Resume the last interrupted run (true) or this run id; exit when it ends. */
  readonly resume?: string | true;
  /** Told the exit code just before the app exits (and the screen to open next, from the menu). */
  readonly onExit?: (code: number, next?: 'checklist') => void;
  /** False under NO_COLOR. */
  readonly color?: boolean;
}

export function App({ session, flows, source, start, resume, onExit, color = true }: AppProps) {
  const { exit } = useApp();
  const [state, dispatch] = useWizardState({
    flows,
    ...(start ? { start } : {}),
    ...(resume !== undefined ? { resume } : {}),
    journalFile: session.sys.real(JOURNAL_FILE),
    advise: session.advise,
  });
  const prompter = useMemo(() => new InkPrompter(), []);
  useEffect(() => prompter.connect((prompt) => dispatch({ type: 'prompt', prompt })), [prompter, dispatch]);
  useEngineEvents(session.bus, dispatch);
  useWizardInput(dispatch);
  useOutbox(state.outbox, session, prompter, dispatch, source);
  useResumeOffer(state.screen === 'home', session, dispatch);
  useEffect(() => {
    const signal = session.abort.signal;
    const onAbort = (): void => dispatch({ type: 'signal' });
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }, [session, dispatch]);
  useEffect(() => {
    if (state.exitCode === undefined) return;
    onExit?.(state.exitCode, state.next);
    exit();
  }, [state.exitCode, state.next, onExit, exit]);

  return (
    <ColorProvider value={color}>
      <Box flexDirection="column">
        <Transcript key={state.runNumber} items={state.transcript} />
        {state.screen === 'home' ? <HomeMenu items={homeItems(flows, state.resumable)} focus={state.homeFocus} /> : <RunScreen state={state} />}
      </Box>
    </ColorProvider>
  );
}
