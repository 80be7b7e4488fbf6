import { describe, expect, it } from "vitest";
import { ensurePackages } from "./ensure-packages.js";

const absent = { binary: "jisr-no-such-server", debianPackage: "jisr-no-such-package" };
const present = { binary: "sh", debianPackage: "dash" };

describe("ensurePackages", () => {
  it("does nothing when every binary is there", () => {
    const said: string[] = [];
    ensurePackages([present], (m) => said.push(m), { isRoot: false, isDebian: false });
    expect(said).toEqual([]);
  });

  it("stops at once where it may not install, naming what is missing and how to install it", () => {
    const said: string[] = [];
    for (const host of [
      { isRoot: false, isDebian: true },
      { isRoot: true, isDebian: false },
    ]) {
      expect(() => ensurePackages([present, absent], (m) => said.push(m), host)).toThrow(
        "The tests need jisr-no-such-server, which is not installed.\n" +
          "Install it (on Debian/Ubuntu: sudo apt-get install jisr-no-such-package) and run the tests again.",
      );
    }
    expect(said).toEqual([]); // nothing was attempted
  });
});
