import { expect } from "chai";
import { readdirSync } from "node:fs";
import path from "node:path";
import { SAMPLES_DIR } from "../../src/paths";
import { pollSource } from "../../src/sources/poll-sources";
import { freshDatabase, type TestDatabase } from "../support/database";
import { gnupgUnavailable, gpgProtect, startGnupg, type GnupgWorld } from "../support/gnupg";
import { opensshUnavailable } from "../support/openssh";
import { dropFile, sftpAggregator, startWorld, type SftpWorld } from "../support/sftp-world";

/** Issue 14's "done when": a GnuPG-encrypted and signed RPPS file pulled over real OpenSSH posts like its plaintext twin. */
describe("an OpenPGP file over real OpenSSH (issue 14)", function () {
  this.timeout(60_000);
  const sample = path.join(SAMPLES_DIR, "rpps", "normal-day.ach");
  const passEnv = `BILLPAY_TEST_PGP_SFTP_${process.pid}`;
  let t: TestDatabase;
  let g: GnupgWorld;
  let world: SftpWorld;

  before(async function () {
    if (opensshUnavailable() || gnupgUnavailable()) this.skip();
    t = await freshDatabase();
    g = startGnupg();
    process.env[passEnv] = g.receiverPassphrase;
    world = await startWorld("openssh");
  });
  after(async () => {
    await world?.stop();
    await t?.close();
    g?.stop();
    delete process.env[passEnv];
  });

  const payments = (aggregator: string): Promise<unknown[]> =>
    t.db.query(
      `SELECT amount_cents, source_ref, settled_on::text AS settled_on, account_raw FROM payments
        WHERE aggregator = $1 ORDER BY source_ref, amount_cents`,
      [aggregator],
    );

  it("posts exactly like its plaintext twin, and is archived", async () => {
    const twin = sftpAggregator(world);
    dropFile(sample, world.inbound);
    const clear = await pollSource(t.db, twin);
    expect(clear.files.map((f) => f.status)).to.deep.equal(["posted"]);

    const agg = sftpAggregator(world, {
      pattern: "*.gpg",
      pgp: {
        decryptionKeyFile: g.receiverSecretFile,
        passphraseEnv: passEnv,
        verifyKeys: [g.senderPublicFile],
        require: "both",
      },
    });
    const encrypted = gpgProtect(g, sample, path.join(g.home, "normal-day.ach.gpg"), {
      to: "receiver@billpay.test",
      signer: "sender@billpay.test",
    });
    dropFile(encrypted, world.inbound);
    const report = await pollSource(t.db, agg);
    expect(report.error).to.equal(null);
    const [polled] = report.files;
    expect(polled.status, JSON.stringify(polled.errors)).to.equal("posted");
    expect([polled.payments, polled.totalCents]).to.deep.equal([clear.files[0].payments, clear.files[0].totalCents]);
    expect(polled.payments).to.be.greaterThan(0);
    expect(await payments(agg.id)).to.deep.equal(await payments(twin.id));
    expect(readdirSync(path.join(world.inbound, "archive")).sort()).to.deep.equal([
      "normal-day.ach",
      "normal-day.ach.gpg",
    ]);
  });
});
