import type { ConsolePage } from "../page";
import { dashboardPage } from "./dashboard";

/** Every page of the console; the shell registers each one's path (and its .csv when it has csv). */
export const CONSOLE_PAGES: readonly ConsolePage[] = [dashboardPage];
