import type { RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { csv } from "./csv/adapter";
import { fixedWidth } from "./fixed-width/adapter";

export { csv, fixedWidth };

/** The flat family: delimited and fixed-width files, both read wholly as their mapping declares. */
export const adapters: readonly RemittanceAdapter[] = [csv, fixedWidth] as RemittanceAdapter[];
