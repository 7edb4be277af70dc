import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioContextLifecycle, type AudioContextStatus } from '../../src/audio/context-lifecycle';
import { silentLogger } from '../../src/base/logger';

/** A context whose resume() only succeeds when `allowed` (like a browser's autoplay policy). */
class FakeContext extends EventTarget {
  state: string = 'suspended';
  allowed = false;
  interrupted = false;
  closeCalls = 0;
  resume(): Promise<void> {
    // Like Chromium: without permission to play, the promise stays pending.
    if (!this.allowed || this.interrupted) return new Promise(() => undefined);
    this.setState('running');
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closeCalls += 1;
    this.setState('closed');
    return Promise.resolve();
  }
  setState(state: string): void {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

const scope = globalThis as { document?: EventTarget & { visibilityState?: string } };
let savedDocument: typeof scope.document;

beforeEach(() => {
  savedDocument = scope.document;
  scope.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
});
afterEach(() => {
  scope.document = savedDocument;
});

function lifecycle(context: FakeContext, owned: boolean, autoResume = true) {
  const statuses: AudioContextStatus[] = [];
  const instance = new AudioContextLifecycle({
    context: owned ? undefined : (context as unknown as AudioContext),
    createContext: owned ? () => context as unknown as AudioContext : undefined,
    resumeTimeoutMs: 20,
    autoResume,
    logger: silentLogger,
  });
  instance.onStatus((status) => statuses.push(status));
  return { instance, statuses };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AudioContextLifecycle', () => {
  it('runs at once when the browser allows audio', async () => {
    const context = new FakeContext();
    context.allowed = true;
    const { instance, statuses } = lifecycle(context, true);
    expect(await instance.ensureRunning()).toBe(true);
    expect(statuses).toEqual(['running']);
  });

  it('reports needsUserGesture, then resumes on the next gesture anywhere on the page', async () => {
    const context = new FakeContext();
    const { instance, statuses } = lifecycle(context, true);
    expect(await instance.ensureRunning()).toBe(false);
    expect(instance.status).toBe('needsUserGesture');
    context.allowed = true;
    scope.document!.dispatchEvent(new Event('pointerdown'));
    await tick();
    expect(instance.status).toBe('running');
    expect(statuses).toEqual(['needsUserGesture', 'running']);
  });

  it('resumes a context the system suspended', async () => {
    const context = new FakeContext();
    context.allowed = true;
    const { instance, statuses } = lifecycle(context, true);
    await instance.ensureRunning();
    context.setState('suspended');
    await tick(5);
    expect(context.state).toBe('running');
    expect(statuses).toEqual(['running', 'suspended', 'running']);
  });

  it('leaves a suspended context alone when autoResume is off', async () => {
    const context = new FakeContext();
    context.allowed = true;
    const { instance } = lifecycle(context, false, false);
    await instance.ensureRunning();
    context.setState('suspended');
    await tick(30);
    expect(context.state).toBe('suspended');
    expect(instance.status).toBe('suspended');
  });

  it("waits out Safari's interrupted state, then resumes when it ends", async () => {
    const context = new FakeContext();
    context.allowed = true;
    const { instance, statuses } = lifecycle(context, true);
    await instance.ensureRunning();
    context.interrupted = true;
    context.setState('interrupted');
    await tick(30);
    expect(instance.status).toBe('interrupted');
    context.interrupted = false;
    context.setState('suspended');
    await tick(5);
    expect(instance.status).toBe('running');
    expect(statuses).toEqual(['running', 'interrupted', 'suspended', 'running']);
  });

  it('retries when the page becomes visible again', async () => {
    const context = new FakeContext();
    const { instance } = lifecycle(context, true);
    await instance.ensureRunning();
    context.allowed = true;
    scope.document!.dispatchEvent(new Event('visibilitychange'));
    await tick();
    expect(instance.status).toBe('running');
  });

  it('closes a context it created, and never one the app passed in', async () => {
    const mine = new FakeContext();
    await lifecycle(mine, true).instance.dispose();
    expect(mine.closeCalls).toBe(1);
    const theirs = new FakeContext();
    const borrowed = lifecycle(theirs, false);
    expect(borrowed.instance.owned).toBe(false);
    await borrowed.instance.dispose();
    expect(theirs.closeCalls).toBe(0);
    expect(theirs.state).toBe('suspended');
  });

  it('stops listening after dispose', async () => {
    const context = new FakeContext();
    const { instance, statuses } = lifecycle(context, false);
    await instance.ensureRunning();
    await instance.dispose();
    context.allowed = true;
    scope.document!.dispatchEvent(new Event('keydown'));
    await tick();
    expect(context.state).toBe('suspended');
    expect(statuses).toEqual(['needsUserGesture']);
  });
});
