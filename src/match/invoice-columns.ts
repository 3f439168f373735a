/** The billing CSV's columns, by header name (src/match/invoice-import.ts reads them). */
export const INVOICE_COLUMNS = [
  "invoice",
  "account_number",
  "member_name",
  "plan",
  "coverage_month",
  "amount_due",
  "first_payment",
] as const;
