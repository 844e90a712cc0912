#!/usr/bin/env node
// The `latchkey` command: runs the compiled CLI (npm run build makes dist/).
import { runCli } from "../dist/cli/main.js";

process.exitCode = await runCli(process.argv);
