/**
 * Server rendering with voxwire/react: `react-dom/server` renders the provider and every hook
 * in Node, where there is no window. voxwire's code must not touch a browser API while it
 * does: each one is a trap on globalThis that records who read it.
 */
import { createElement, Fragment } from 'react';
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import { RealtimeError } from '../../src/base/errors';
import { silentLogger } from '../../src/base/logger';
import {
  VoxwireProvider,
  useAudioLevels,
  useConnectionState,
  useConversation,
  useDevices,
  useMute,
  useSpeaking,
  useToolActivity,
  useTranscript,
  useVoiceActions,
  useVoiceClient,
  useVoiceError,
} from '../../src/react/index';

/** What a browser has and Node does not (Node 20 has no `navigator` either). */
const BROWSER_GLOBALS = ['window', 'document', 'navigator', 'AudioContext', 'AudioWorkletNode', 'MediaStream', 'RTCPeerConnection', 'localStorage', 'location'];

interface Trap {
  name: string;
  stack: string;
}

let touched: Trap[] = [];
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeEach(() => {
  touched = [];
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push({ name, stack: new Error(name).stack ?? '' });
        return undefined;
      },
    });
  }
});

afterEach(() => {
  for (const name of BROWSER_GLOBALS) {
    const descriptor = saved.get(name);
    if (descriptor === undefined) delete (globalThis as Record<string, unknown>)[name];
    else Object.defineProperty(globalThis, name, descriptor);
  }
});

/**
 * Reads of browser globals made from voxwire's sources. The traps return undefined, as Node
 * does, so any use of one would throw and fail the render; what is left to catch are reads.
 * Two are expected, and only as `typeof` probes: the WebSocket transport's `isBrowserPage()`
 * (it decides whether a standard key may be used) reads `window` and `document`.
 * React itself may probe too; only voxwire's frames count.
 */
const touchedByVoxwire = (): string[] =>
  touched
    .filter((trap) => /\/src\//.test(trap.stack))
    .filter((trap) => !/at isBrowserPage \(.*\/src\/transport\/websocket\.ts/.test(trap.stack))
    .map((trap) => `${trap.name}\n${trap.stack}`);

function Everything(): ReactNode {
  const client = useVoiceClient();
  const state = useConnectionState();
  const conversation = useConversation();
  const transcript = useTranscript();
  const speaking = useSpeaking();
  const levels = useAudioLevels();
  const tools = useToolActivity();
  const error = useVoiceError();
  const [muted] = useMute();
  const devices = useDevices();
  const { connect } = useVoiceActions();
  return createElement(
    'main',
    { 'data-state': state.status },
    createElement('p', { id: 'summary' }, [
      `client:${client instanceof RealtimeClient}`,
      `entries:${conversation.length}`,
      `lines:${transcript.length}`,
      `speaking:${speaking.user}/${speaking.assistant}`,
      `levels:${String(levels.input)}/${String(levels.output)}`,
      `tools:${tools.length}`,
      `error:${String(error)}`,
      `muted:${muted}`,
      `devices:${devices.inputs.length}/${devices.outputs.length}`,
      `connect:${typeof connect}`,
    ].join(' ')),
  );
}

describe('voxwire/react on the server (react-dom/server in Node, no window)', () => {
  it('renders the provider and every hook with the idle session and touches no browser API', () => {
    let created = 0;
    const html = renderToString(
      createElement(
        VoxwireProvider,
        {
          client: () => {
            created += 1;
            return new RealtimeClient({ url: 'ws://127.0.0.1:1/realtime', logger: silentLogger });
          },
        },
        createElement(Everything),
      ),
    );
    expect(html).toContain('data-state="idle"');
    expect(html).toContain(
      'client:true entries:0 lines:0 speaking:false/false levels:undefined/undefined tools:0 error:undefined muted:false devices:0/0 connect:function',
    );
    expect(created).toBe(1);
    expect(touchedByVoxwire()).toEqual([]);
  });

  it('creates no audio and opens nothing while rendering on the server', () => {
    let connects = 0;
    const client = new RealtimeClient({ url: 'ws://127.0.0.1:1/realtime', logger: silentLogger });
    const connect = client.connect.bind(client);
    client.connect = (...args) => {
      connects += 1;
      return connect(...args);
    };
    renderToString(createElement(VoxwireProvider, { client }, createElement(Everything)));
    expect(connects).toBe(0);
    expect(client.state.status).toBe('idle');
    // Listeners are added once mounted (effects do not run on the server).
    expect(client.listenerCount('state')).toBe(0);
    expect(touchedByVoxwire()).toEqual([]);
  });

  it('says what is wrong when a hook is used outside the provider', () => {
    let caught: unknown;
    try {
      renderToString(createElement(Fragment, null, createElement(Everything)));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RealtimeError);
    expect((caught as RealtimeError).code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect((caught as RealtimeError).message).toBe('voxwire/react: a hook was called outside <VoxwireProvider>; render the component inside one.');
  });
});
