import { LinkError } from '@atelier/obd';

/**
 * Everything one opening acquires (ports, sockets, servers, emulators, buses, recorders), released
 * in reverse order by one call: the adapter's `close()` on success, at once on failure or abort.
 * Whatever arrives after the opening was given up (a port that finished opening after an abort) is
 * released as it arrives, so nothing is left open behind a rejected promise.
 */
export class OpenScope {
  private readonly releases: (() => unknown)[] = [];
  private releasing: Promise<void> | undefined;

  constructor(
    private readonly spec: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** Whether the opening was given up: anything acquired now is released straight away. */
  get abandoned(): boolean {
    return this.releasing !== undefined || !!this.signal?.aborted;
  }

  /** The error an abandoned opening rejects with: the caller closed it (`closed`). */
  abortError(): LinkError {
    return new LinkError(`adapter '${this.spec}': opening was aborted`, 'closed', {
      cause: this.signal?.reason,
    });
  }

  /** Throws when the signal fired: the point between two steps where an abort takes effect. */
  check(): void {
    if (this.abandoned) throw this.abortError();
  }

  /** Registers what `release` must undo for `value`; released at once if the opening was given up. */
  own<T>(value: T, release: (value: T) => unknown): T {
    if (this.abandoned) {
      void settle(() => release(value));
      throw this.abortError();
    }
    this.releases.push(() => release(value));
    return value;
  }

  /**
   * Waits for an acquisition and owns its result. Rejects as soon as the signal fires, without
   * waiting for the acquisition; its result, when it comes, is released.
   */
  async hold<T>(acquiring: Promise<T>, release: (value: T) => unknown): Promise<T> {
    const value = await this.step(
      acquiring.then((v) => {
        if (this.abandoned) {
          void settle(() => release(v));
          throw this.abortError();
        }
        return v;
      }),
    );
    return this.own(value, release);
  }

  /** Waits for a step of the opening, or rejects as soon as the signal fires. */
  step<T>(p: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (!signal) return p;
    if (signal.aborted) {
      p.catch(() => {});
      return Promise.reject(this.abortError());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // A step still running fails later once its resources are released: not the caller's concern.
        p.catch(() => {});
        reject(this.abortError());
        void this.release().catch(() => {});
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /** Releases everything, last acquired first; every release runs, the first failure is rethrown. */
  release(): Promise<void> {
    this.releasing ??= (async () => {
      let first: unknown;
      for (const release of this.releases.splice(0).reverse()) {
        const err = await settle(release);
        first ??= err;
      }
      if (first !== undefined) throw first;
    })();
    return this.releasing;
  }
}

/** Runs a release; returns its error instead of throwing it. */
async function settle(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return err ?? new Error('release failed');
  }
}
