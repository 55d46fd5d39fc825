/** Runs tasks one after another, in call order. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // The next task waits for this one to settle, whether it resolved or threw.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
