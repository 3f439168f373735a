/**
 * A command's action that loads its implementation only when the command runs: declaring the
 * commands (and so `--help`) loads no database, ORM or SFTP code, only commander and small
 * constants. `load` is a dynamic import of the module in src/cli/actions/ that does the work.
 */
export function lazyAction<M, K extends keyof M>(
  load: () => Promise<M>,
  name: K,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const action = (await load())[name] as (...a: unknown[]) => unknown;
    await action(...args);
  };
}
