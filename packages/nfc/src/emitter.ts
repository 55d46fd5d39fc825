/**
 * A tiny typed event emitter. Unlike node:events it never throws for an unheard
 * 'error' (a reader's errors are reports, not crashes), and a throwing listener
 * does not stop the others.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        // Safe: the set under `event` only holds listeners registered by on(event, …) with this payload type.
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        // A listener bug must not silence the other listeners nor the reader; make it loud.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
