/**
 * The dashboard: finds out who is signed in (GET /v1/session: the session, or null), then shows the
 * sign-in, set-up or forgot-password page to a stranger, or the app shell with its pages to a signed-in user
 * (only Security while the account policy requires two-factor of them and it is off).
 */
import { Center, Loader } from "@mantine/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { AcceptInvitePage } from "./accept-invite-page";
import { ActivityPage } from "./activity-page";
import { ForgotPasswordPage } from "./forgot-password-page";
import { ApiError, api, setCsrfToken, setEnrolmentRequiredHandler, setSessionEndedHandler } from "./api-client";
import type { Session } from "./api-types";
import { AppLayout } from "./app-layout";
import { DomainsPage } from "./domains-page";
import { IntegrationsPage } from "./integrations-page";
import { NotFoundPage, NotForYourRolePage } from "./not-found-page";
import { navigate, usePath, type PagePath } from "./router";
import { ResetPasswordPage } from "./reset-password-page";
import { SecurityPage } from "./security-page";
import { SettingsPage } from "./settings-page";
import { SetupPage } from "./setup-page";
import { SignInPage } from "./sign-in-page";
import { TokensPage } from "./tokens-page";
import { UsagePage } from "./usage-page";
import { UsersPage } from "./users-page";
import { WebhooksPage } from "./webhooks-page";
import { mayUsePage } from "./team";

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
  "/security": "Security",
  "/forgot-password": "Forgot password",
  "/reset-password": "Set a new password",
  "/sign-in": "Sign in",
  "/setup": "Set up latchkey",
};

/** The pages for people who are not signed in; a signed-in person is sent on from them. */
const STRANGERS_PAGES: ReadonlySet<string> = new Set(["/sign-in", "/setup", "/forgot-password"]);

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

  // After a change to the person's own sign-in (two-factor on or off): the session says what is required.
  const refreshSession = useCallback(() => {
    api<{ data: Session | null }>("GET", "/v1/session")
      .then(({ data }) => {
        if (data !== null) setSession(data);
      })
      .catch((error: unknown) => console.warn("GET /v1/session failed", error instanceof ApiError ? error.code : error));
  }, []);

  useEffect(() => {
    setSessionEndedHandler(signedOut);
    setEnrolmentRequiredHandler(refreshSession);
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
    return () => {
      setSessionEndedHandler(null);
      setEnrolmentRequiredHandler(null);
    };
  }, [signedOut, refreshSession]);

  // Redirects: strangers to sign-in (or set-up), signed-in people away from them.
  useEffect(() => {
    if (session === undefined) return;
    if (path === "/invite" || path === "/reset-password") return; // a link's page, for strangers and signed-in people alike
    if (session === null && !STRANGERS_PAGES.has(path)) {
      if (path in TITLES) wanted.current = path as PagePath;
      navigate("/sign-in", { replace: true });
    }
    if (session !== null && (path === "/" || STRANGERS_PAGES.has(path))) navigate("/integrations", { replace: true });
    // The account policy requires two-factor of this person and it is off: only Security works.
    if (session?.two_factor?.required === true && !session.two_factor.enabled && path !== "/security") navigate("/security", { replace: true });
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
  if (path === "/reset-password") return <ResetPasswordPage />;
  if (session === null) return path === "/setup" ? <SetupPage onSignedIn={signedIn} /> : path === "/forgot-password" ? <ForgotPasswordPage /> : <SignInPage onSignedIn={signedIn} />;
  return (
    <AppLayout session={session} path={path} onSignedOut={signedOut}>
      {!mayUsePage(session, path) ? (
        <NotForYourRolePage role={session.user.role} title={TITLES[path] ?? path} />
      ) : path === "/tokens" ? (
        <TokensPage session={session} />
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
      ) : path === "/security" ? (
        <SecurityPage session={session} onSessionChanged={refreshSession} />
      ) : path === "/settings" ? (
        <SettingsPage onSessionChanged={refreshSession} />
      ) : path in TITLES || path === "/" ? (
        <IntegrationsPage />
      ) : (
        <NotFoundPage path={path} />
      )}
    </AppLayout>
  );
}
