import type { ConsolePage } from "../page";
import { auditPage } from "./audit";
import { dashboardPage } from "./dashboard";
import { exceptionsPage } from "./exceptions";
import { filePage } from "./file";
import { filesPage } from "./files";
import { invoicePage } from "./invoice";
import { invoicesPage } from "./invoices";
import { paymentPage } from "./payment";
import { reconciliationPage } from "./reconciliation";
import { settlementDayPage } from "./reconciliation-day";

/** Every console page, for the router: a path's static pages before its parameterised ones. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  dashboardPage,
  filesPage,
  filePage,
  paymentPage,
  invoicesPage,
  invoicePage,
  exceptionsPage,
  reconciliationPage,
  settlementDayPage,
  auditPage,
];
