import { expect } from "chai";
import { utils } from "ssh2";
import { generateEd25519 } from "../../src/demo/ssh-keys";

describe("generated SSH keys", () => {
  it("every generated ed25519 pair parses (ssh2's own generator sometimes writes a malformed one)", () => {
    // At about 1 bad key in 200 from ssh2 alone, 1,000 pairs would almost surely include one.
    for (let i = 0; i < 1000; i++) {
      const pair = generateEd25519();
      expect(utils.parseKey(pair.private)).to.not.be.instanceOf(Error);
    }
  });
});
