/**
 * The page's address: which of the dashboard's pages is shown. The pages are few and flat, so the
 * History API is all that is needed; the server answers each of these paths with index.html.
 */
import { useSyncExternalStore } from "react";

/** The dashboard's pages. */
export type PagePath = "/integrations" | "/tokens" | "/domains" | "/activity" | "/usage" | "/webhooks" | "/settings" | "/setup" | "/sign-in" | "/users" | "/invite" | "/security" | "/forgot-password" | "/reset-password";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

/** The current path, re-rendering on navigation. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to a page (a new history entry, or replacing the current one). */
export function navigate(path: PagePath, options: { replace?: boolean } = {}): void {
  if (window.location.pathname === path && window.location.hash === "") return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}
