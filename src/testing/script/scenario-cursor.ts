/**
 * The position in a scenario. One cursor per mock server, shared by its connections, so a client
 * that reconnects continues with the next unused turn rather than starting over.
 */

import type { Scenario, ScenarioTurn } from './scenario';

/** What {@link ScenarioCursor.take} hands a new response. */
export interface TakenTurn {
  /** The turn to play; `undefined` when there is no scenario or it is used up. */
  turn: ScenarioTurn | undefined;
  /** Index of the turn in the scenario, or -1. */
  index: number;
  /** True when a strict scenario (`whenExhausted: 'error'`) has no turn left. */
  exhaustedStrict: boolean;
}

/** Hands out a scenario's turns in order. */
export class ScenarioCursor {
  #scenario: Scenario | undefined;
  #next = 0;

  constructor(scenario?: Scenario) {
    this.#scenario = scenario;
  }

  /** The scenario being played, if any. */
  get scenario(): Scenario | undefined {
    return this.#scenario;
  }

  /** How many turns have been taken. */
  get used(): number {
    return this.#next;
  }

  /** How many turns are left. */
  get remaining(): number {
    return Math.max(0, (this.#scenario?.turns.length ?? 0) - this.#next);
  }

  /** The next turn without taking it (its `user` transcript labels audio committed before the response). */
  peek(): ScenarioTurn | undefined {
    return this.#scenario?.turns[this.#next];
  }

  /** Takes the next turn. */
  take(): TakenTurn {
    const turn = this.#scenario?.turns[this.#next];
    if (turn !== undefined) return { turn, index: this.#next++, exhaustedStrict: false };
    return { turn: undefined, index: -1, exhaustedStrict: this.#scenario?.whenExhausted === 'error' };
  }

  /** Starts over with another scenario (or none). */
  reset(scenario: Scenario | undefined): void {
    this.#scenario = scenario;
    this.#next = 0;
  }
}
