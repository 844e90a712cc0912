import { describe, expect, it } from "vitest";
import { SharedReads } from "./shared-reads.js";

describe("SharedReads", () => {
  it("hands one read to concurrent callers of a key, and reads afresh once it settled", async () => {
    const shared = new SharedReads<number>();
    let reads = 0;
    const read = () => Promise.resolve(++reads);
    const [a, b] = [shared.get("k", read), shared.get("k", read)];
    expect(a).toBe(b);
    expect(shared.get("other", read)).not.toBe(a);
    expect(await a).toBe(1);
    await Promise.resolve();
    expect(shared.size).toBe(0);
    expect(await shared.get("k", read)).toBe(3);
  });

  it("forgets a failed read, so that the next caller tries again", async () => {
    const shared = new SharedReads<number>();
    await expect(shared.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    await Promise.resolve();
    expect(await shared.get("k", () => Promise.resolve(7))).toBe(7);
  });
});
