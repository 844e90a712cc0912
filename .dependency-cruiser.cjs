/**
 * The layers of latchkey (README, docs/: core -> store -> service -> http, cli, middleware, client ->
 * web; an arrow means "may import"), checked by `npm run lint` with dependency-cruiser. Test files are
 * left out: a test may reach any layer it tests. Type-only imports count (tsPreCompilationDeps), so a
 * cycle of types is a cycle too.
 */
const LAYER_3 = "^src/(http|cli|middleware|client)/";
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "src/core holds pure rules: it imports nothing but node:crypto and itself (STYLE.md).",
      severity: "error",
      from: { path: "^src/core/" },
      to: { pathNot: ["^src/core/", "^crypto$"] },
    },
    {
      name: "store-below-service",
      comment: "src/store knows core only: no use case, server, CLI or dashboard.",
      severity: "error",
      from: { path: "^src/store/" },
      to: { path: ["^src/(service|http|cli|middleware|client)/", "^web/"] },
    },
    {
      name: "service-below-its-callers",
      comment: "src/service is called by http, cli and middleware; it never calls them.",
      severity: "error",
      from: { path: "^src/service/" },
      to: { path: [LAYER_3, "^web/"] },
    },
    {
      name: "no-skip-past-service",
      comment: "The CLI, the middleware and the HTTP layer reach the database through the service only (DESIGN.md).",
      severity: "error",
      from: { path: "^src/(cli|middleware|http)/" },
      to: { path: "^src/store/" },
    },
    {
      name: "cli-is-an-entry-point",
      comment: "Nothing imports the CLI; it composes the other layers.",
      severity: "error",
      from: { path: "^src/(http|middleware|client|service|store|core)/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "client-stands-alone",
      comment: "latchkey/client has no dependency: it imports only itself and core.",
      severity: "error",
      from: { path: "^src/client/" },
      to: { pathNot: ["^src/client/", "^src/core/"] },
    },
    {
      name: "server-below-web",
      comment: "No server layer imports the dashboard.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^web/" },
    },
    {
      name: "web-is-browser-safe",
      comment: "The dashboard may use core's pure rules and the typed client, nothing that opens a database or a server.",
      severity: "error",
      from: { path: "^web/src/" },
      to: { path: "^src/(store|service|http|cli|middleware)/" },
    },
    {
      name: "no-circular",
      comment: "No import cycle, types included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["\\.test\\.tsx?$", "^dist/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".d.ts"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
