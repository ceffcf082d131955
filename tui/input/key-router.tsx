// One input handler for the whole console: a key goes to the topmost active layer (dialog, then
// command line, then screen, then global); a layer that does not use a key returns false and it
// goes one layer down.
//
// Keys can arrive faster than React renders (a paste, a held key, several keys in one SSH packet).
// A key that may change what the next key means ("/" opens the filter, "i" opens a dialog) holds
// the keys after it until React has committed that change: the router bumps its own state with
// the key's updates and goes on from its layout effect, which runs in the same commit. Text fields
// keep their value in a ref and answer SAME, so a paste goes in at once, with one render.
import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** A handler's answer: false, the key was not used; SAME, used without changing what later keys mean. */
export const SAME = 'same';
export type KeyResult = boolean | void | typeof SAME;
export type KeyHandler = (input: string, key: Key) => KeyResult;

export const LAYER = { global: 0, screen: 10, overlay: 20, dialog: 30, root: 40 } as const;

interface Layer {
  prio: number;
  seq: number;
  handler: { current: KeyHandler };
}

class Router {
  private layers = new Set<Layer>();
  private seq = 0;
  private queue: [string, Key][] = [];
  private waiting = false;
  /** Set by the provider: asks React for a commit that reaches the router's layout effect. */
  requestCommit: () => void = () => {};

  add(prio: number, handler: { current: KeyHandler }): () => void {
    const layer = { prio, seq: this.seq++, handler };
    this.layers.add(layer);
    return () => this.layers.delete(layer);
  }

  push(input: string, key: Key): void {
    this.queue.push([input, key]);
    this.pump();
  }

  committed(): void {
    if (!this.waiting) return;
    this.waiting = false;
    // Not from inside the commit: updates made there would nest in it.
    queueMicrotask(() => this.pump());
  }

  private pump(): void {
    while (!this.waiting && this.queue.length) {
      const [input, key] = this.queue.shift()!;
      if (this.dispatch(input, key) !== SAME) {
        this.waiting = true;
        this.requestCommit();
      }
    }
  }

  private dispatch(input: string, key: Key): KeyResult {
    const ordered = [...this.layers].sort((a, b) => b.prio - a.prio || b.seq - a.seq);
    for (const l of ordered) {
      const r = l.handler.current(input, key);
      if (r !== false) return r;
    }
    return SAME; // nobody used it: nothing changed
  }
}

const RouterContext = createContext<Router | null>(null);

export function KeyRouter({ children }: { children: ReactNode }) {
  const router = useRef<Router | null>(null);
  router.current ??= new Router();
  const [tick, setTick] = useState(0);
  router.current.requestCommit = () => setTick((t) => t + 1);
  // Children's layout effects (their layers and handlers) run before this one in the same commit.
  useLayoutEffect(() => router.current!.committed(), [tick]);
  const onInput = useCallback((input: string, key: Key) => router.current!.push(input, key), []);
  useInput(onInput);
  return <RouterContext.Provider value={router.current}>{children}</RouterContext.Provider>;
}

/** Registers a key layer while `active`. The handler may close over this render's state. */
export function useKeys(prio: number, handler: KeyHandler, active = true): void {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useKeys needs a <KeyRouter> above it');
  const ref = useRef(handler);
  ref.current = handler;
  useLayoutEffect(() => (active ? router.add(prio, ref) : undefined), [router, prio, active]);
}
