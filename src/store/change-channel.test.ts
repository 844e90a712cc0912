import { expect, it } from "vitest";
import { changeChannel, MAX_CHANNEL_BYTES } from "./store.js";

it("names a channel within PostgreSQL's 63 bytes for every schema length, keeping the short names", () => {
  expect(changeChannel(null)).toBe("latchkey_changes");
  expect(changeChannel("lk_test")).toBe("latchkey_changes_lk_test");
  const names = new Set<string>();
  for (let length = 1; length <= 63; length++) {
    for (const fill of ["a", "b"]) {
      const schema = fill.repeat(length);
      const channel = changeChannel(schema);
      expect(Buffer.byteLength(channel), `schema of ${length}`).toBeLessThanOrEqual(MAX_CHANNEL_BYTES);
      expect(channel, `schema of ${length}`).toMatch(/^latchkey_changes_[A-Za-z0-9_]+$/);
      names.add(channel);
    }
  }
  expect(names.size, "one channel per schema").toBe(126);
  expect(changeChannel("a".repeat(47))).toMatch(/^latchkey_changes_H[0-9a-f]{45}$/);
});
