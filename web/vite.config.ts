// Builds the dashboard (web/) into dist/web, which `latchkey serve` serves at /. `npm run build` runs
// it; for development, `npx vite --config web/vite.config.ts` serves it with /v1 proxied to a
// latchkey on 127.0.0.1:8080.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  build: {
    outDir: resolve(here, "../dist/web"),
    emptyOutDir: true,
    // One bundle for the app and one for Mantine/React keeps the first load to two requests.
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { "/v1": "http://127.0.0.1:8080" } },
});
