import type { RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { camt053 } from "./camt053";
import { camt054 } from "./camt054";

export { camt053, camt054 };

/** The camt family: camt.054 notifications (payments) and camt.053 statements (bank entries). */
export const adapters: readonly RemittanceAdapter[] = [camt053, camt054] as RemittanceAdapter[];
