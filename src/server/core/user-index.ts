/**
 * A relay's values by user (its sessions, for the charge tick, admission and operator ends).
 * A user with one value, nearly every user, maps to the value itself and one with more to an
 * array: a `Set` per user was about 150 B of every idle relayed session (heap snapshot of 200
 * sessions, 2026-12-07), more than the session's own limits.
 */
export class UserIndex<Value extends object> {
  readonly #byUser = new Map<string, Value | Value[]>();

  /** Users with at least one value. */
  get users(): number {
    return this.#byUser.size;
  }

  add(userId: string, value: Value): void {
    const held = this.#byUser.get(userId);
    if (held === undefined) this.#byUser.set(userId, value);
    else if (Array.isArray(held)) held.push(value);
    else this.#byUser.set(userId, [held, value]);
  }

  delete(userId: string, value: Value): void {
    const held = this.#byUser.get(userId);
    if (held === value) {
      this.#byUser.delete(userId);
    } else if (Array.isArray(held)) {
      const index = held.indexOf(value);
      if (index < 0) return;
      held.splice(index, 1);
      if (held.length === 1) this.#byUser.set(userId, held[0] as Value);
    }
  }

  /** The user's values, oldest first: a fresh array, safe to keep while values are deleted. */
  of(userId: string): Value[] {
    const held = this.#byUser.get(userId);
    if (held === undefined) return [];
    return Array.isArray(held) ? [...held] : [held];
  }
}
