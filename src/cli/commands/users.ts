import type { Command } from "commander";
import { ROLES } from "../../console/roles";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const users = program.command("users").description("Who may sign in to the web console, and with what role");
  const load = () => import("../actions/users.js");
  users
    .command("add")
    .description("Add a user: the password is read from stdin when piped, else generated and printed once")
    .argument("<name>", "the sign-in name")
    .requiredOption(
      "--role <role>",
      `one of ${ROLES.join(", ")} (a viewer reads; a resolver and an admin also resolve)`,
    )
    .action(lazyAction(load, "addAction"));
  users
    .command("list")
    .description("List users with their role, state and open sessions")
    .option("--json", "print a JSON array")
    .action(lazyAction(load, "listAction"));
  users
    .command("disable")
    .description("Disable a user and end their sessions")
    .argument("<name>")
    .action(lazyAction(load, "disableAction"));
  users
    .command("reset-password")
    .description("Set a new password (stdin when piped, else generated and printed once); ends their sessions and lock")
    .argument("<name>")
    .action(lazyAction(load, "resetPasswordAction"));
  users.addHelpText(
    "after",
    "\nEach change goes into the audit log (entity user) under the operating-system user who ran it.",
  );
}
