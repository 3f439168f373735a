import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, type AggregatorConfig } from "../../src/config/config-file";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../src/paths";
import { pollSource } from "../../src/sources/poll-sources";
import type { PolledFile } from "../../src/sources/poll";
import { freshDatabase, type TestDatabase } from "../support/database";
import { gnupgUnavailable, gpgProtect, startGnupg, type GnupgWorld } from "../support/gnupg";
import { openpgpEncryptAndSign, openpgpSignedThenAltered, openpgpWithoutIntegrity } from "../support/openpgp-files";

/**
 * OpenPGP files (issue 14 item 1) through a real poll of a local source: files made by GnuPG and
 * by openpgp, keys made at test time. The SFTP half is in pgp-sftp.test.ts.
 */

const SAMPLE = path.join(SAMPLES_DIR, "rpps", "normal-day.ach");
const PASSPHRASE_ENV = `BILLPAY_TEST_PGP_PASS_${process.pid}`;
const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

export function pgpBlock(g: GnupgWorld, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    decryptionKeyFile: g.receiverSecretFile,
    passphraseEnv: PASSPHRASE_ENV,
    verifyKeys: [g.senderPublicFile],
    require: "both",
    ...overrides,
  };
}

let aggCounter = 0;

/** A local source over its own inbound/archive/error folders, with the rpps mapping. */
function localAggregator(root: string, pgp?: Record<string, unknown>): AggregatorConfig {
  const id = `pgp-t${process.pid}-${aggCounter++}`;
  const dir = path.join(root, id);
  for (const d of ["inbound", "archive", "error"]) mkdirSync(path.join(dir, d), { recursive: true });
  const source = { type: "local", dir: `${dir}/inbound`, archiveDir: `${dir}/archive`, errorDir: `${dir}/error` };
  const doc = {
    aggregators: {
      [id]: {
        mapping: path.join(MAPPINGS_DIR, "rpps.yaml"),
        source: { ...source, pattern: "*", minAgeSeconds: 0, settleMs: 0, ...(pgp ? { pgp } : {}) },
      },
    },
  };
  return parseConfig(doc, path.join(root, "billpay.yaml")).aggregators[0];
}

function inbound(agg: AggregatorConfig): string {
  return agg.source.type === "local" ? agg.source.dir : agg.source.remoteDir;
}

function drop(agg: AggregatorConfig, name: string, bytes: Buffer | string): void {
  const target = path.join(inbound(agg), name);
  writeFileSync(target, bytes);
  const then = new Date(Date.now() - 3600_000);
  utimesSync(target, then, then);
}

/** The posted payments, as the columns that say what was paid (not which file row holds them). */
export async function paymentsOf(t: TestDatabase, aggregator: string): Promise<unknown[]> {
  return t.db.query(
    `SELECT amount_cents, source_ref, settled_on::text AS settled_on, account_raw FROM payments
      WHERE aggregator = $1 ORDER BY source_ref, amount_cents`,
    [aggregator],
  );
}

describe("OpenPGP files per source (issue 14)", function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let g: GnupgWorld;
  let root: string;
  let plaintext: Buffer;

  before(async function () {
    const reason = gnupgUnavailable();
    if (reason) this.skip();
    t = await freshDatabase();
    g = startGnupg();
    process.env[PASSPHRASE_ENV] = g.receiverPassphrase;
    root = mkdtempSync(path.join(tmpdir(), "billpay-pgp-"));
    plaintext = readFileSync(SAMPLE);
  });
  after(async () => {
    await t?.close();
    g?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    delete process.env[PASSPHRASE_ENV];
  });

  const pollOne = async (agg: AggregatorConfig): Promise<PolledFile> => {
    const report = await pollSource(t.db, agg);
    expect(report.error).to.equal(null);
    expect(report.files).to.have.length(1);
    return report.files[0];
  };

  it("a GnuPG-encrypted and signed RPPS file posts exactly like its plaintext twin", async () => {
    const twin = localAggregator(root);
    drop(twin, "normal-day.ach", plaintext);
    const clear = await pollOne(twin);
    expect(clear.status).to.equal("posted");
    expect(clear.payments).to.be.greaterThan(0);

    const agg = localAggregator(root, pgpBlock(g));
    const encrypted = gpgProtect(g, SAMPLE, path.join(root, "normal-day.ach.gpg"), {
      to: "receiver@billpay.test",
      signer: "sender@billpay.test",
    });
    const received = readFileSync(encrypted);
    drop(agg, "normal-day.ach.gpg", received);
    const polled = await pollOne(agg);
    expect(polled.status, JSON.stringify(polled.errors)).to.equal("posted");
    expect([polled.payments, polled.totalCents]).to.deep.equal([clear.payments, clear.totalCents]);
    expect(await paymentsOf(t, agg.id)).to.deep.equal(await paymentsOf(t, twin.id));
    expect(readdirSync(path.join(inbound(agg), "..", "archive"))).to.deep.equal(["normal-day.ach.gpg"]);

    const [ledger] = (await t.db.query(`SELECT sha256, decrypted_sha256 FROM source_objects WHERE aggregator = $1`, [
      agg.id,
    ])) as { sha256: string; decrypted_sha256: string }[];
    expect(ledger).to.deep.equal({ sha256: sha256(received), decrypted_sha256: sha256(plaintext) });
    const [file] = (await t.db.query(`SELECT sha256, size_bytes::int AS size FROM remittance_files WHERE id = $1`, [
      polled.fileId,
    ])) as { sha256: string; size: number }[];
    expect(file).to.deep.equal({ sha256: sha256(plaintext), size: plaintext.length });
  });

  it("an openpgp-made armored file posts, and the same content encrypted again is a duplicate", async () => {
    const agg = localAggregator(root, pgpBlock(g));
    drop(agg, "day-1.asc", await openpgpEncryptAndSign(plaintext, g.receiverPublicFile, g.senderSecretArmored));
    const first = await pollOne(agg);
    expect(first.status, JSON.stringify(first.errors)).to.equal("posted");

    const again = gpgProtect(g, SAMPLE, path.join(root, "again.asc"), {
      to: "receiver@billpay.test",
      signer: "sender@billpay.test",
      armor: true,
    });
    drop(agg, "day-1-resent.asc", readFileSync(again));
    const second = await pollOne(agg);
    expect(second.status).to.equal("duplicate");
    expect(second.fileId).to.equal(first.fileId);
  });
});

describe("OpenPGP files that are refused (issue 14)", function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let g: GnupgWorld;
  let root: string;
  let plaintext: Buffer;

  before(async function () {
    if (gnupgUnavailable()) this.skip();
    t = await freshDatabase();
    g = startGnupg();
    process.env[PASSPHRASE_ENV] = g.receiverPassphrase;
    root = mkdtempSync(path.join(tmpdir(), "billpay-pgp-"));
    plaintext = readFileSync(SAMPLE);
  });
  after(async () => {
    await t?.close();
    g?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    delete process.env[PASSPHRASE_ENV];
  });

  const byGpg = (how: Parameters<typeof gpgProtect>[3], cut?: (b: Buffer) => Buffer) => (): Buffer => {
    const bytes = readFileSync(gpgProtect(g, SAMPLE, path.join(root, `f-${aggCounter}.gpg`), how));
    return cut ? cut(bytes) : bytes;
  };
  const both = { to: "receiver@billpay.test", signer: "sender@billpay.test" };
  const cases: { kind: string; code: string; make: () => Buffer | Promise<Buffer>; require?: string }[] = [
    { kind: "encrypted to another key", code: "pgp_wrong_key", make: byGpg({ ...both, to: "stranger@billpay.test" }) },
    {
      kind: "signed by a key not pinned",
      code: "pgp_bad_signature",
      make: byGpg({ ...both, signer: "stranger@billpay.test" }),
    },
    {
      kind: "signed by the pinned key, but the text changed after",
      code: "pgp_bad_signature",
      require: "signed",
      make: () => openpgpSignedThenAltered(plaintext, g.senderSecretArmored),
    },
    {
      kind: "not signed when a signature is required",
      code: "pgp_unsigned",
      make: byGpg({ to: "receiver@billpay.test" }),
    },
    {
      kind: "encrypted without integrity protection",
      code: "pgp_no_integrity",
      make: () => openpgpWithoutIntegrity(plaintext, g.receiverPublicFile),
    },
    { kind: "truncated", code: "pgp_truncated", make: byGpg(both, (b) => b.subarray(0, Math.floor(b.length * 0.7))) },
    {
      kind: "altered inside the encryption",
      code: "pgp_corrupt",
      make: byGpg({ ...both, compress: false }, (b) => {
        const copy = Buffer.from(b);
        copy[Math.floor(copy.length / 2)] ^= 0x01;
        return copy;
      }),
    },
    {
      kind: "signed but not encrypted, where encryption is required",
      code: "pgp_not_encrypted",
      make: byGpg({ signer: "sender@billpay.test" }),
    },
    { kind: "not OpenPGP at all", code: "pgp_not_pgp", make: () => plaintext },
  ];

  for (const c of cases) {
    it(`a file ${c.kind} is quarantined as ${c.code}, moved to the error folder, nothing posted`, async () => {
      const agg = localAggregator(root, pgpBlock(g, c.require ? { require: c.require } : {}));
      drop(agg, "day.ach.pgp", await c.make());
      const polled = await (async () => {
        const report = await pollSource(t.db, agg);
        expect(report.files).to.have.length(1);
        return report.files[0];
      })();
      expect(polled.status).to.equal("quarantined");
      expect(polled.errors.map((e) => e.code)).to.deep.equal([c.code]);
      expect(polled.errors[0].message).not.to.include(g.receiverPassphrase);
      expect(readdirSync(path.join(inbound(agg), "..", "error"))).to.deep.equal(["day.ach.pgp"]);
      expect(readdirSync(inbound(agg))).to.deep.equal([]);
      expect(await paymentsOf(t, agg.id)).to.deep.equal([]);
      const [row] = (await t.db.query(`SELECT status, errors FROM remittance_files WHERE id = $1`, [
        polled.fileId,
      ])) as {
        status: string;
        errors: { code: string }[];
      }[];
      expect([row.status, row.errors[0].code]).to.deep.equal(["quarantined", c.code]);
    });
  }

  it("a passphrase that does not unlock the key stops the source with a clear error and leaves the file", async () => {
    const agg = localAggregator(root, pgpBlock(g, { passphraseEnv: `${PASSPHRASE_ENV}_WRONG` }));
    process.env[`${PASSPHRASE_ENV}_WRONG`] = "not-the-passphrase";
    try {
      drop(agg, "day.ach.gpg", byGpg(both)());
      const report = await pollSource(t.db, agg);
      expect(report.ok).to.equal(false);
      expect(report.error).to.include(`${agg.keyPath}.pgp.passphraseEnv`).and.not.include("not-the-passphrase");
      expect(readdirSync(inbound(agg))).to.deep.equal(["day.ach.gpg"]);
    } finally {
      delete process.env[`${PASSPHRASE_ENV}_WRONG`];
    }
  });

  it("the config refuses a pgp block that cannot work, naming the key", () => {
    const bad = (pgp: Record<string, unknown>): string => {
      try {
        localAggregator(root, pgp);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(bad({ require: "both" }))
      .to.match(/pgp\.decryptionKeyFile: require: both needs decryptionKeyFile or decryptionKeyEnv/)
      .and.match(/pgp\.verifyKeys: require: both needs verifyKeys/);
    expect(bad({ require: "encrypted", decryptionKeyEnv: "K", passphrase: "hunter2" })).to.match(
      /pgp\.passphrase: keys and passphrases never sit in the config file/,
    );
    expect(bad({ require: "sometimes", decryptionKeyEnv: "K" })).to.match(
      /pgp\.require: must be encrypted, signed or both/,
    );
    expect(bad({ require: "signed", verifyKeys: ["sender.asc"] })).to.equal("accepted");
  });
});
