import { PayeePolicy } from "../rules/payee-policy";
import { describeZodError } from "./zod-errors";

/**
 * A payee policy from configuration, defaults filled in. Throws a ConfigError naming `source`
 * and the bad key ("leadWindow.min: …"), so a wrong setting fails at start-up.
 */
export function parsePayeePolicy(input: unknown, source = "payee policy"): PayeePolicy {
  const result = PayeePolicy.safeParse(input ?? {});
  if (!result.success) throw describeZodError(source, result.error);
  return result.data;
}
