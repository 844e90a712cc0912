import { defineConfig } from "vitest/config";

/**
 * Two projects: `sqlite` runs every test; `postgres` runs the API tests (and the client's) again with
 * LATCHKEY_TEST_STORE=postgres, each test on a fresh PostgreSQL schema (test/helpers/api-harness.ts).
 * The store conformance suite and the multi-instance tests run on PostgreSQL in either project.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    projects: [
      { extends: true, test: { name: "sqlite", include: ["src/**/*.test.ts", "test/**/*.test.ts"] } },
      { extends: true, test: { name: "postgres", include: ["test/api/**/*.test.ts", "test/hardening/setup-race.test.ts"], env: { LATCHKEY_TEST_STORE: "postgres" } } },
    ],
  },
});
