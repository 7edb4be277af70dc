/**
 * Drain on a shutdown signal (SIGTERM from Kubernetes, systemd, `docker stop`): one process
 * listener per signal, shared by every relay of the process, so many relays add no listeners.
 * The first signal drains every registered relay; a second one closes their sessions at once.
 * When the relays are closed and no one else listens to the signal, it is raised again, so the
 * process ends as it would have without us (exit by the signal, code 128 + n).
 */

/** What a signal does to one relay. */
export interface SignalTarget {
  /** Drains and closes the relay (the relay's `close()`). */
  close(): Promise<void>;
  /** Closes the live sessions now (a second signal). */
  hurry(): void;
}

interface SignalEntry {
  readonly targets: Set<SignalTarget>;
  readonly listener: () => void;
  received: number;
}

const entries = new Map<NodeJS.Signals, SignalEntry>();

function onSignal(signal: NodeJS.Signals, entry: SignalEntry): void {
  entry.received += 1;
  const targets = [...entry.targets];
  if (entry.received > 1) {
    for (const target of targets) target.hurry();
    return;
  }
  void Promise.allSettled(targets.map((target) => target.close())).then(() => {
    // Someone else listens (the app's own handler): the process's end is theirs to decide.
    if (process.listenerCount(signal) > 1 || entries.get(signal) !== entry) return;
    process.off(signal, entry.listener);
    entries.delete(signal);
    process.kill(process.pid, signal);
  });
}

/**
 * Registers `target` to be drained on each of `signals`. Returns a function that unregisters it
 * (the listener goes when its last relay does).
 */
export function drainOnSignals(signals: readonly NodeJS.Signals[], target: SignalTarget): () => void {
  for (const signal of signals) {
    let entry = entries.get(signal);
    if (entry === undefined) {
      const created: SignalEntry = { targets: new Set(), listener: () => onSignal(signal, created), received: 0 };
      entry = created;
      entries.set(signal, entry);
      process.on(signal, entry.listener);
    }
    entry.targets.add(target);
  }
  return () => {
    for (const signal of signals) {
      const entry = entries.get(signal);
      if (entry === undefined) continue;
      entry.targets.delete(target);
      // Once a signal arrived, its listener stays until the drain finishes and re-raises it.
      if (entry.targets.size > 0 || entry.received > 0) continue;
      process.off(signal, entry.listener);
      entries.delete(signal);
    }
  };
}
