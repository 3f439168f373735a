/**
 * What a person can do with an exception (src/match/resolve.ts does it; this module stays free of
 * the database so that the CLI can declare its options without loading it):
 *   apply-to INVOICE[,INVOICE…]  apply the payment's unapplied money to these invoices, in order,
 *                                each up to what it owes (a combined payment is split this way)
 *   apply-suggestion N           take repair suggestion N (`exceptions suggest`): the payment's
 *                                account becomes the suggested billed account, and its money goes
 *                                to the open invoices the suggestion found its amount pays
 *   refund                       the unapplied money goes back to the payer
 *   write-off                    accept the difference: a short invoice is closed as written off,
 *                                an overpayment's excess is kept
 *   reject                       the payment is not to be applied at all (a confirmed duplicate):
 *                                whatever it applied is taken off again and the invoice reopens
 *   return --reason R22          send the whole payment back to the network in the next return file
 *                                (`billpay returns build`); whatever it applied is taken off again
 */
export const RESOLVE_ACTIONS = ["apply-to", "apply-suggestion", "refund", "write-off", "reject", "return"] as const;
export type ResolveAction = (typeof RESOLVE_ACTIONS)[number];
