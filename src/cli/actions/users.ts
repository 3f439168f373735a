import { userInfo } from "node:os";
import { generatePassword } from "../../console/passwords";
import { isRole, ROLES } from "../../console/roles";
import { addUser, disableUser, listUsers, resetPassword, UserError } from "../../console/users";
import { renderTable } from "../../report/text-table";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";

/** The person at the shell, for the audit log: the console's users are not the CLI's. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env.USER ?? "unknown"}`;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The password piped in (its first line), or a generated one to print once. */
async function passwordInput(): Promise<{ password: string; generated: boolean }> {
  const piped = process.stdin.isTTY ? "" : (await readStdin()).split(/\r?\n/)[0];
  return piped ? { password: piped, generated: false } : { password: generatePassword(), generated: true };
}

async function userChange(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof UserError) throw new CliExit(2, error.message);
    throw error;
  }
}

function shownOnce(name: string, password: string): string {
  return `password for ${name} (shown once, not stored): ${password}\n`;
}

export async function addAction(name: string, opts: { role: string }): Promise<void> {
  const role = opts.role;
  if (!isRole(role)) throw new CliExit(2, `unknown role "${role}"; one of ${ROLES.join(", ")}`);
  const { password, generated } = await passwordInput();
  await userChange(() => withDatabase((db) => addUser(db, { name, role, password }, cliActor())));
  process.stdout.write(`user ${name} added (${role})\n${generated ? shownOnce(name, password) : ""}`);
}

export async function listAction(opts: { json?: boolean }): Promise<void> {
  const users = await withDatabase((db) => listUsers(db));
  if (opts.json) return printJson(users);
  if (!users.length) return void process.stdout.write("no users: add one with `billpay users add NAME --role R`\n");
  const state = (u: (typeof users)[number]) =>
    u.disabledAt ? "disabled" : u.lockedUntil ? `locked until ${u.lockedUntil.toISOString()}` : "active";
  process.stdout.write(
    `${renderTable(users, [
      { header: "NAME", value: (u) => u.name },
      { header: "ROLE", value: (u) => u.role },
      { header: "STATE", value: state },
      { header: "SESSIONS", value: (u) => String(u.sessions), align: "right" },
      { header: "CREATED", value: (u) => u.createdAt.toISOString() },
    ])}\n`,
  );
}

export async function disableAction(name: string): Promise<void> {
  await userChange(() => withDatabase((db) => disableUser(db, name, cliActor())));
  process.stdout.write(`user ${name} disabled; their sessions are over\n`);
}

export async function resetPasswordAction(name: string): Promise<void> {
  const { password, generated } = await passwordInput();
  await userChange(() => withDatabase((db) => resetPassword(db, name, password, cliActor())));
  process.stdout.write(
    `password of ${name} reset; their sessions are over\n${generated ? shownOnce(name, password) : ""}`,
  );
}
