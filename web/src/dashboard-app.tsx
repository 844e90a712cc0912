/**
 * The dashboard: finds out who is signed in (GET /v1/session: the session, or null), then shows the
 * sign-in or set-up page to a stranger, or the app shell with its four pages to a signed-in user.
 */
import { Center, Loader } from "@mantine/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { AcceptInvitePage } from "./accept-invite-page";
import { ActivityPage } from "./activity-page";
import { ApiError, api, setCsrfToken, setSessionEndedHandler } from "./api-client";
import type { Session } from "./api-types";
import { AppLayout } from "./app-layout";
import { DomainsPage } from "./domains-page";
import { IntegrationsPage } from "./integrations-page";
import { NotFoundPage } from "./not-found-page";
import { navigate, usePath, type PagePath } from "./router";
import { SettingsPage } from "./settings-page";
import { SetupPage } from "./setup-page";
import { SignInPage } from "./sign-in-page";
import { TokensPage } from "./tokens-page";
import { UsagePage } from "./usage-page";
import { UsersPage } from "./users-page";
import { WebhooksPage } from "./webhooks-page";

const TITLES: Record<string, string> = {
  "/integrations": "Integrations",
  "/tokens": "API tokens",
  "/domains": "Domains",
  "/activity": "Activity",
  "/settings": "Settings",
  "/usage": "Usage",
  "/webhooks": "Webhooks",
  "/users": "Users",
  "/invite": "Accept invitation",
  "/sign-in": "Sign in",
  "/setup": "Set up latchkey",
};

export function DashboardApp() {
  const path = usePath();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  // The page a stranger asked for before being sent to sign in: shown once signed in (not Integrations).
  const wanted = useRef<PagePath | null>(null);

  const signedIn = useCallback((next: Session) => {
    setCsrfToken(next.csrf_token);
    setSession(next);
    navigate(wanted.current ?? "/integrations", { replace: true });
    wanted.current = null;
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setSession(null);
    wanted.current = null;
    navigate("/sign-in", { replace: true });
  }, []);

  useEffect(() => {
    setSessionEndedHandler(signedOut);
    // 200 {data: null} when nobody is signed in: a 401 here would be logged by the browser on every visit.
    api<{ data: Session | null }>("GET", "/v1/session")
      .then(({ data }) => {
        setCsrfToken(data?.csrf_token ?? null);
        setSession(data);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.code !== "session_missing") console.warn("GET /v1/session failed", error instanceof ApiError ? error.code : error);
        setSession(null);
      });
    return () => setSessionEndedHandler(null);
  }, [signedOut]);

  // Redirects: strangers to sign-in (or set-up), signed-in people away from them.
  useEffect(() => {
    if (session === undefined) return;
    if (path === "/invite") return; // the invitation link's page, for strangers and signed-in people alike
    if (session === null && path !== "/setup" && path !== "/sign-in") {
      if (path in TITLES) wanted.current = path as PagePath;
      navigate("/sign-in", { replace: true });
    }
    if (session !== null && (path === "/" || path === "/sign-in" || path === "/setup")) navigate("/integrations", { replace: true });
  }, [session, path]);

  useEffect(() => {
    document.title = `${TITLES[path] ?? "Page not found"} · latchkey`;
  }, [path]);

  if (session === undefined) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-busy="true" aria-label="Loading" />
      </Center>
    );
  }
  if (path === "/invite") return <AcceptInvitePage onSignedIn={signedIn} />;
  if (session === null) return path === "/setup" ? <SetupPage onSignedIn={signedIn} /> : <SignInPage onSignedIn={signedIn} />;
  return (
    <AppLayout session={session} path={path} onSignedOut={signedOut}>
      {path === "/tokens" ? (
        <TokensPage />
      ) : path === "/domains" ? (
        <DomainsPage />
      ) : path === "/activity" ? (
        <ActivityPage session={session} />
      ) : path === "/usage" ? (
        <UsagePage />
      ) : path === "/webhooks" ? (
        <WebhooksPage />
      ) : path === "/users" ? (
        <UsersPage session={session} />
      ) : path === "/settings" ? (
        <SettingsPage />
      ) : path in TITLES || path === "/" ? (
        <IntegrationsPage />
      ) : (
        <NotFoundPage path={path} />
      )}
    </AppLayout>
  );
}
