// Small shared pieces: loading a screen's one query, errors, impact tables, live events.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, request } from "../api/client";
import type { ChangesFragment, ConfigChangedSubscription } from "../api/generated";

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const code = error.code ? `${error.code}: ` : "";
    return code + error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {describeError(error)}
    </div>
  );
}

/** A screen's query: loaded once on mount (and when `variables` change), reloaded on demand. */
export function useQuery<T, V extends object>(document: string, variables: V) {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await request<T, V>(document, JSON.parse(key) as V);
      if (ticket === latest.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (ticket === latest.current) setState((s) => ({ ...s, error, loading: false }));
    }
  }, [document, key]);
  useEffect(() => {
    void load();
  }, [load]);
  return { ...state, reload: load };
}

export type ConfigEvent = ConfigChangedSubscription["configChanged"];

const eventListeners = new Set<(event: ConfigEvent) => void>();

export function publishConfigEvent(event: ConfigEvent): void {
  eventListeners.forEach((l) => l(event));
}

/** Run `handler` for each live `configChanged` event (the app holds one subscription for all screens). */
export function useConfigEvents(handler: (event: ConfigEvent) => void): void {
  const current = useRef(handler);
  current.current = handler;
  useEffect(() => {
    const listener = (event: ConfigEvent) => current.current(event);
    eventListeners.add(listener);
    return () => {
      eventListeners.delete(listener);
    };
  }, []);
}

export function ImpactTable({ changes, title }: { changes: ChangesFragment; title: ReactNode }) {
  const updates = changes.sorceryUpdates;
  return (
    <div className="impact" data-testid={changes.dryRun ? "impact-preview" : "impact-recorded"}>
      <h4>
        {title}: <span data-testid="impact-count">{updates.length}</span> Sorcery update
        {updates.length === 1 ? "" : "s"}, {changes.affectedEndpoints} endpoint
        {changes.affectedEndpoints === 1 ? "" : "s"} recomputed
      </h4>
      {updates.length > 0 && (
        <table>
          <thead>
            <tr>
              {!changes.dryRun && <th>seq</th>}
              <th>action</th>
              <th>object</th>
              <th>changed keys</th>
              <th>recreate</th>
              <th>reload</th>
            </tr>
          </thead>
          <tbody>
            {updates.map((u, i) => (
              <tr key={i} className="impact-row">
                {!changes.dryRun && <td>{u.seq}</td>}
                <td>{u.action}</td>
                <td className="impact-object">
                  {u.objectType} {u.objectId}
                </td>
                <td className="impact-keys">{u.changedKeys.join(", ") || "—"}</td>
                <td>{u.requiresRecreate ? "yes" : "no"}</td>
                <td>{u.requiresReload ? "yes" : "no"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
