import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fingerprintOfKey } from "../../src/sources/host-key";
import { generateEd25519 } from "../../src/demo/ssh-keys";

describe("host key fingerprints", () => {
  it("have the SHA256:<43 base64 chars> shape, from a public or a private key alike", () => {
    const pair = generateEd25519();
    const fp = fingerprintOfKey(pair.public);
    expect(fp).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprintOfKey(pair.private)).to.equal(fp);
  });

  it("match what `ssh-keygen -lf` prints for the same key", function () {
    if (!existsSync("/usr/bin/ssh-keygen")) this.skip();
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-fp-"));
    try {
      for (const type of ["ed25519", "rsa", "ecdsa"]) {
        const file = path.join(dir, type);
        execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
        const printed = execFileSync("ssh-keygen", ["-lf", `${file}.pub`], { encoding: "utf8" }).split(" ")[1];
        expect(fingerprintOfKey(readFileSync(`${file}.pub`, "utf8")), type).to.equal(printed);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
