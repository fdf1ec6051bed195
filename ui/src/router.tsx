// A small history router: the server answers every admin path with index.html.
import { useEffect, useState, type MouseEvent, type ReactNode } from "react";

const listeners = new Set<() => void>();
// Screens with unsaved work: each says what leaving would lose.
const guards = new Set<() => string>();

const here = () => window.location.pathname + window.location.search;

/** Whether the user lets the screens with unsaved work go (asked once per guard). */
export function mayLeave(): boolean {
  for (const guard of guards) {
    if (!window.confirm(guard())) return false;
  }
  return true;
}

/** Go to ``path``; ``force`` skips the unsaved-work question (the work is gone anyway). */
export function navigate(path: string, { force = false }: { force?: boolean } = {}): void {
  if (path === here()) return;
  if (!force && !mayLeave()) return;
  window.history.pushState(null, "", path);
  shown = path;
  listeners.forEach((l) => l());
}

// Back and forward move the address before anyone is asked: a refusal puts it back.
let shown = typeof window === "undefined" ? "" : here();
if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => {
    if (!mayLeave()) {
      window.history.pushState(null, "", shown);
      return;
    }
    shown = here();
    listeners.forEach((l) => l());
  });
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return path;
}

/** While ``active``: leaving the screen (a link, back, a reload, closing the tab) asks first. */
export function useLeaveGuard(active: boolean, message: string): void {
  useEffect(() => {
    if (!active) return;
    const guard = () => message;
    const onUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    guards.add(guard);
    window.addEventListener("beforeunload", onUnload);
    return () => {
      guards.delete(guard);
      window.removeEventListener("beforeunload", onUnload);
    };
  }, [active, message]);
}

/** `match("/tenants/:t/templates", "/tenants/1/templates")` → `{ t: "1" }`, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className}>
      {children}
    </a>
  );
}
