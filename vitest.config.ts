import { defineConfig } from "vitest/config";

/**
 * Four projects, all run by `npm test` (and .ci/run):
 * - `unit`: pure tests, no database file, socket or process (`npm run test:unit`, for daily work):
 *   everything beside the code in src/ (in-memory SQLite at most), and the checks of docs and imports.
 * - `api`: in-process tests against real SQLite files (and PostgreSQL where a test asks for it: the
 *   store conformance suite, the multi-instance tests), the CLI, the middleware on loopback ports.
 * - `postgres`: the API tests (and the set-up race) again with LATCHKEY_TEST_STORE=postgres, each test on
 *   a fresh PostgreSQL schema (test/helpers/api-harness.ts).
 * - `e2e`: what needs the built dist/ or another program: the browser (Chromium), nginx, spawned
 *   `latchkey serve` processes, the examples and the MailerSend SDK.
 */
const UNIT = ["src/**/*.test.ts", "test/docs/**/*.test.ts", "test/middleware/runtime-imports.test.ts", "test/forward-auth/route-map-file.test.ts"];
const E2E = [
  "test/e2e/**/*.test.ts",
  "test/examples/**/*.test.ts",
  "test/sdk/**/*.test.ts",
  "test/forward-auth/nginx.test.ts",
  "test/postgres/two-instances.test.ts",
  "test/hardening/crash-safety.test.ts",
  "test/store/sqlite-concurrent-writers.test.ts",
  "test/operations/**/*.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // expect.poll waits up to 10 s (vitest's default is 1 s): a dialog opening or a list refreshing in
    // Chromium can take longer than a second on a loaded 2-core machine, and a poll ends as soon as it holds.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: "forks",
    // Most test files wait on sockets, databases, browsers and timers rather than the CPU: three at once
    // on a 2-core machine keeps the cores busy (vitest's default is one fewer than the cores).
    maxWorkers: Number(process.env.LATCHKEY_TEST_WORKERS ?? 3),
    globalSetup: ["test/global-setup.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      { extends: true, test: { name: "api", include: ["test/**/*.test.ts"], exclude: [...UNIT, ...E2E] } },
      { extends: true, test: { name: "postgres", include: ["test/api/**/*.test.ts", "test/hardening/setup-race.test.ts"], env: { LATCHKEY_TEST_STORE: "postgres" } } },
      { extends: true, test: { name: "e2e", include: E2E } },
    ],
  },
});
