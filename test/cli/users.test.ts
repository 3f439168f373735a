import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/paths";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import { cliDatabase } from "../match/cli-support";

/** `billpay users …` with stdin piped (or not): what a terminal user would type. */
function users(
  env: NodeJS.ProcessEnv,
  args: string[],
  input?: string,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(PROJECT_ROOT, "src", "cli.ts"), "users", ...args],
    {
      cwd: PROJECT_ROOT,
      env,
      input: input ?? "",
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Listed {
  name: string;
  role: string;
  disabledAt: string | null;
}

describe("billpay users", function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  before(async () => (db = await cliDatabase()));
  after(async () => db?.close());

  it("adds a user with a piped password, and generates and prints one when nothing is piped", () => {
    const piped = users(db.env, ["add", "rosa", "--role", "resolver"], "a piped password 1\n");
    expect(piped.code, piped.stderr).to.equal(0);
    expect(piped.stdout).to.equal("user rosa added (resolver)\n");
    const generated = users(db.env, ["add", "vera", "--role", "viewer"]);
    expect(generated.code, generated.stderr).to.equal(0);
    expect(generated.stdout).to.match(/^password for vera \(shown once, not stored\): [A-Za-z0-9_-]{24}$/m);
    expect(generated.stderr).to.not.contain(/: ([A-Za-z0-9_-]{24})$/m.exec(generated.stdout)![1]);
  });

  it("refuses a second user of the same name, an unknown role and a short password, with exit 2", () => {
    const again = users(db.env, ["add", "rosa", "--role", "viewer"], "another password 2\n");
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain('user "rosa" already exists');
    expect(users(db.env, ["add", "x", "--role", "owner"]).stderr).to.contain('unknown role "owner"');
    const short = users(db.env, ["add", "sam", "--role", "viewer"], "short\n");
    expect(short.code).to.equal(2);
    expect(short.stderr).to.contain("at least 12 characters");
  });

  it("disables a user and resets a password, lists them, and audits each change without the password", async () => {
    expect(users(db.env, ["disable", "vera"]).code).to.equal(0);
    expect(users(db.env, ["disable", "vera"]).stderr).to.contain("already disabled");
    expect(users(db.env, ["disable", "nobody"]).code).to.equal(2);
    const reset = users(db.env, ["reset-password", "rosa"], "a second password 3\n");
    expect(reset.code, reset.stderr).to.equal(0);
    const listed = JSON.parse(users(db.env, ["list", "--json"]).stdout) as Listed[];
    expect(listed.map((u) => [u.name, u.role, u.disabledAt !== null])).to.deep.equal([
      ["rosa", "resolver", false],
      ["vera", "viewer", true],
    ]);
    const table = users(db.env, ["list"]).stdout;
    expect(table).to.match(/vera\s+viewer\s+disabled/);
    // Read the audit log directly once no child holds the (embedded) database.
    const ledger = await openDatabase({ url: db.env.DATABASE_URL ?? "", dataDir: db.env.BILLPAY_DATA_DIR });
    try {
      const rows = (await ledger.query(
        `SELECT actor, entity_id, action, row_to_json(a)::text AS text FROM audit_log a WHERE entity = 'user' ORDER BY id`,
      )) as { actor: string; entity_id: string; action: string; text: string }[];
      expect(rows.map((r) => `${r.entity_id}:${r.action}`)).to.deep.equal([
        "rosa:created",
        "vera:created",
        "vera:disabled",
        "rosa:password_reset",
      ]);
      expect(rows.every((r) => r.actor.startsWith("cli:"))).to.equal(true);
      expect(rows.some((r) => /piped password|second password/.test(r.text))).to.equal(false);
      const [hash] = (await ledger.query(
        `SELECT length(password_hash) AS n, scrypt_n, scrypt_r, scrypt_p FROM console_users WHERE name = 'rosa'`,
      )) as { n: number; scrypt_n: number; scrypt_r: number; scrypt_p: number }[];
      expect(hash).to.deep.equal({ n: 64, scrypt_n: 32768, scrypt_r: 8, scrypt_p: 1 });
    } finally {
      await closeDatabase(ledger);
    }
  });
});
