// The live connection: follows /api/events, reconnects by itself, reports its state.
import { useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient, type ServerEvent } from '../../src/client/api-client.js';

export type ConnState = 'connecting' | 'live' | 'reconnecting';

export function useLive(
  client: ApiClient,
  enabled: boolean,
  onEvent: (e: ServerEvent) => void,
  onOpen: () => void,
  onAuthLost: (e: ApiError) => void,
): ConnState {
  const [state, setState] = useState<ConnState>('connecting');
  const handlers = useRef({ onEvent, onOpen, onAuthLost });
  handlers.current = { onEvent, onOpen, onAuthLost };
  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    let delay = 250;
    void (async () => {
      while (!ac.signal.aborted) {
        try {
          await client.events(
            (e) => handlers.current.onEvent(e),
            ac.signal,
            () => {
              delay = 250;
              setState('live');
              handlers.current.onOpen();
            },
          );
        } catch (e) {
          if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
            handlers.current.onAuthLost(e);
            return;
          }
        }
        if (ac.signal.aborted) return;
        setState('reconnecting');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(5000, delay * 2);
      }
    })();
    return () => ac.abort();
  }, [client, enabled]);
  return state;
}
