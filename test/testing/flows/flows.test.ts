import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RealtimeClient } from '../../../src/client/client';
import type { RealtimeClientOptions } from '../../../src/client/client-options';
import { isRealtimeError } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { exponentialBackoff } from '../../../src/client/reconnect';
import { defineTool } from '../../../src/tools/define-tool';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import {
  FLOW_CALL_ID,
  dropAndRecoveryFlow,
  functionCallFlow,
  interruptionFlow,
  sessionExpiryFlow,
  sessionSetupFlow,
} from '../../../src/testing/flows/flows';
import type { RealtimeFlow } from '../../../src/testing/flows/flows';
import { runFlow } from '../../../src/testing/flows/run-flow';
import type { FlowApp, RunFlowOptions } from '../../../src/testing/flows/run-flow';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Get the weather for a city.',
  parameters: z.object({ location: z.string() }),
  execute: async ({ location }) => ({ location, celsius: 18, sky: 'sunny' }),
});

/** An app built on voxwire's client: connect, optionally do something, disconnect at the end. */
function clientApp(options: Partial<RealtimeClientOptions>, act?: (client: RealtimeClient) => void | Promise<void>): FlowApp {
  return async ({ url }) => {
    const client = new RealtimeClient({
      url,
      logger: silentLogger,
      reconnect: exponentialBackoff({ initialDelayMs: 10, jitter: 'none' }),
      ...options,
    });
    await client.connect();
    await act?.(client);
    return () => client.disconnect();
  };
}

/** Runs a flow that must fail, and returns the failure. */
async function failing(flow: RealtimeFlow, app: FlowApp, options?: RunFlowOptions): Promise<Error> {
  try {
    await runFlow(flow, app, options);
  } catch (error) {
    expect(isRealtimeError(error, 'VOXWIRE_EXPECTATION_FAILED')).toBe(true);
    return error as Error;
  }
  throw new Error(`flow "${flow.name}" passed but should have failed`);
}

describe('ready flows, run against apps with runFlow', () => {
  it('every flow describes itself and what the app must do', () => {
    const flows = [sessionSetupFlow(), functionCallFlow({ name: 'get_weather' }), interruptionFlow(), dropAndRecoveryFlow(), sessionExpiryFlow()];
    expect(flows.map(({ name, description, drive }) => ({ name, description, drive }))).toEqual([
      {
        name: 'session set-up',
        description:
          'The app connects and configures its session with one valid session.update (GA shape: type "realtime", no unknown or beta-era fields); the server confirms it with session.updated and answers nothing with an error.',
        drive: 'Connect to the URL. Nothing else is needed.',
      },
      {
        name: 'function-call round trip',
        description:
          'The model calls get_weather; the app runs it and answers with exactly one function_call_output for the call_id, then asks for exactly one follow-up response, which completes.',
        drive: 'Connect and start a turn: send a text message or speak.',
      },
      {
        name: 'interruption',
        description:
          'While the assistant speaks a long reply, the app stops it: the user speaks over it (server VAD cancels the response) or the app cancels it. The response ends "cancelled" and nothing the app sends around it is refused.',
        drive: 'Connect and start a turn; while the assistant is speaking, interrupt it: stream speech (e.g. the "interruption" fixture) or call client.interrupt().',
      },
      {
        name: 'drop and recovery',
        description:
          'The connection drops (1006, no close frame) in the middle of a reply. The app reconnects by itself, configures the new session as the old one (instructions, tools, voice, turn detection) and restores the conversation into it.',
        drive: 'Connect and start a turn (send a text message or speak); the connection then drops. Reconnect on your own.',
      },
      {
        name: 'session expiry',
        description:
          'The session reaches its time limit (error session_expired, then close 1001, as the API does after 60 minutes). The app ends the session and tells the user; it does not reconnect on its own, which would silently start over without the conversation.',
        drive: 'Connect and stay connected; the session expires shortly after.',
      },
    ]);
    // The description names the tool the flow was built for.
    expect(functionCallFlow({ name: 'lookup_order' }).description).toContain('The model calls lookup_order;');
    // Each flow's scenario is named after it.
    expect(flows.map((flow) => flow.scenario.name)).toEqual(flows.map((flow) => flow.name));
    expect(() => functionCallFlow({} as never)).toThrow(/name/);
  });

  describe('session set-up', () => {
    it('passes for an app that configures a valid GA session, and checks the fields asked for', async () => {
      const result = await runFlow(
        sessionSetupFlow({ expectSession: { instructions: 'Be brief.', audio: { output: { voice: 'cedar' } } } }),
        clientApp({ session: { type: 'realtime', instructions: 'Be brief.', audio: { output: { voice: 'cedar' } } } }),
      );
      expect(result.flow).toBe('session set-up');
      expect(result.server.received[0]?.event.type).toBe('session.update');
    });

    it('fails an app that sends a beta-shaped session.update, saying what the server rejected', async () => {
      const error = await failing(sessionSetupFlow(), async ({ url }) => {
        const socket = new WebSocket(url);
        await new Promise((resolve) => socket.once('open', resolve));
        socket.send(JSON.stringify({ type: 'session.update', session: { modalities: ['audio', 'text'], voice: 'alloy' } }));
        return () => socket.terminate();
      });
      expect(error.message).toMatch(/^flow "session set-up": the server rejected the app's session.update/);
      expect(error.message).toContain('docs/migrating.md');
    });

    it('fails when the confirmed session lacks an expected field', async () => {
      const error = await failing(sessionSetupFlow({ expectSession: { instructions: 'Speak French.' } }), clientApp({ session: { type: 'realtime', instructions: 'Be brief.' } }));
      expect(error.message).toContain('the confirmed session does not have the expected fields');
    });
  });

  describe('function-call round trip', () => {
    it('passes for an app that runs the tool and asks for one follow-up response', async () => {
      const result = await runFlow(
        functionCallFlow({ name: 'get_weather', arguments: { location: 'Paris' }, reply: 'Sunny.' }),
        clientApp({ tools: [getWeather] }, (client) => void client.sendText('Weather in Paris?')),
      );
      const output = result.server.filter({ type: 'conversation.item.create', item: { call_id: FLOW_CALL_ID } }, { direction: 'received' });
      expect((output[0]?.event as unknown as { item: { output: string } }).item.output).toBe('{"location":"Paris","celsius":18,"sky":"sunny"}');
    });

    it('fails an app that sends the output but never asks for the follow-up response', async () => {
      const error = await failing(
        functionCallFlow({ name: 'get_weather', arguments: { location: 'Paris' }, timeoutMs: 500 }),
        clientApp({ tools: [getWeather], autoRespond: false }, (client) => void client.sendText('Weather?')),
      );
      expect(error.message).toContain('never asked for the follow-up response');
    });

    it('fails an app that never answers the call', async () => {
      const error = await failing(functionCallFlow({ name: 'get_weather', timeoutMs: 300 }), async ({ url }) => {
        const socket = new WebSocket(url);
        await new Promise((resolve) => socket.once('open', resolve));
        socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
        socket.send(JSON.stringify({ type: 'response.create' }));
        return () => socket.terminate();
      });
      expect(error.message).toContain(`no function_call_output with call_id ${FLOW_CALL_ID}`);
      expect(error.message).toContain('Does the app declare a tool named "get_weather"?');
    });
  });

  describe('interruption', () => {
    it('passes for an app that stops the assistant with client.interrupt()', async () => {
      const result = await runFlow(
        interruptionFlow(),
        clientApp({}, (client) => {
          client.once('audio', () => void client.interrupt());
          client.sendText('Tell me about the week.');
        }),
      );
      expect(result.server.filter('response.cancel', { direction: 'received' })).toHaveLength(1);
    });

    it('passes for an app whose user speaks over the assistant (server VAD cancels)', async () => {
      const interruption = await loadFixtureAudio('interruption');
      const result = await runFlow(
        interruptionFlow(),
        clientApp({}, (client) => {
          client.once('audio', () => {
            for (const chunk of interruption.chunks) client.send({ type: 'input_audio_buffer.append', audio: chunk });
          });
          client.sendText('Tell me about the week.');
        }),
      );
      expect(result.server.filter('input_audio_buffer.speech_started', { direction: 'sent' })).toHaveLength(1);
      expect(result.server.filter('response.cancel', { direction: 'received' })).toHaveLength(0);
    });

    it('fails an app that lets the reply play to the end', async () => {
      const error = await failing(
        interruptionFlow(),
        clientApp({}, (client) => void client.sendText('Tell me about the week.')),
        { server: { audioPace: 'instant' } },
      );
      expect(error.message).toContain('the reply played to the end ("completed")');
    });
  });

  describe('drop and recovery', () => {
    it("passes for voxwire's client: it reconnects, re-applies the session and replays the conversation", async () => {
      const result = await runFlow(
        dropAndRecoveryFlow(),
        clientApp(
          { session: { type: 'realtime', instructions: 'Be brief.', audio: { output: { voice: 'sage' } } }, tools: [getWeather] },
          (client) => void client.sendText('Hello?'),
        ),
      );
      expect(result.server.connections).toHaveLength(2);
      expect(result.server.connections[0]?.closeCode).toBe(1006);
    });

    it('fails an app that does not reconnect', async () => {
      const error = await failing(
        dropAndRecoveryFlow({ timeoutMs: 500 }),
        clientApp({ reconnect: false }, (client) => void client.sendText('Hello?')),
      );
      expect(error.message).toContain('the app did not reconnect after the drop');
    });

    it('fails an app that reconnects with a different session, or without the conversation', async () => {
      let connects = 0;
      const forgetful = await failing(dropAndRecoveryFlow({ timeoutMs: 1000 }), async ({ url }) => {
        const open = (instructions: string): WebSocket => {
          connects += 1;
          const socket = new WebSocket(url);
          socket.once('open', () => {
            socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions } }));
            if (connects === 1) socket.send(JSON.stringify({ type: 'response.create' }));
          });
          socket.once('close', () => {
            if (connects === 1) sockets.push(open('Something else.'));
          });
          return socket;
        };
        const sockets = [open('Be brief.')];
        return () => sockets.forEach((socket) => socket.terminate());
      });
      expect(forgetful.message).toContain('the new session is not configured as the old one: instructions was "Be brief.", now "Something else."');

      const noReplay = await failing(dropAndRecoveryFlow({ timeoutMs: 1000 }), async ({ url }) => {
        let attempt = 0;
        const sockets: WebSocket[] = [];
        const open = (): void => {
          attempt += 1;
          const socket = new WebSocket(url);
          sockets.push(socket);
          socket.once('open', () => {
            socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } }));
            if (attempt === 1) socket.send(JSON.stringify({ type: 'response.create' }));
            else socket.send(JSON.stringify({ type: 'response.create' }));
          });
          socket.once('close', () => attempt === 1 && open());
        };
        open();
        return () => sockets.forEach((socket) => socket.terminate());
      });
      expect(noReplay.message).toContain('did not restore the conversation');
    });
  });

  describe('session expiry', () => {
    it("passes for voxwire's client: it goes to expired and stays away", async () => {
      let final = '';
      await runFlow(
        sessionExpiryFlow({ expireAfterMs: 300, graceMs: 500 }),
        clientApp({}, (client) => {
          client.on('state', (state) => (final = state.status));
        }),
      );
      expect(final).toBe('expired');
    });

    it('fails an app that reconnects after session_expired', async () => {
      const error = await failing(
        sessionExpiryFlow({ expireAfterMs: 300, graceMs: 800 }),
        clientApp({}, (client) => {
          client.on('state', (state) => {
            if (state.status === 'expired') void client.connect().catch(() => undefined);
          });
        }),
      );
      expect(error.message).toMatch(/the app opened \d+ new connection\(s\) within 800 ms of session_expired/);
    });
  });

  it("reports the app's own failure", async () => {
    const error = await failing(sessionSetupFlow(), () => {
      throw new Error('could not start');
    });
    expect(error.message).toBe('flow "session set-up": the app threw: could not start');
  });
});
