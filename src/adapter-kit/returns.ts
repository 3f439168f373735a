/**
 * What a format family that can send payments back to the network offers (NACHA: a return file).
 * The core collects the payments to return and stores the file; the family knows the layout.
 */

/** One payment going back, as it was stored when its file was posted. */
export interface ReturnItem {
  /** Passed through to ReturnFileBuilt, so the caller can record each entry's new trace. */
  paymentId: string;
  amountCents: number;
  /** The stored record as received (for NACHA the entry line and its addenda; an SSN-like value in it masked). */
  raw: string;
  payerName: string | null;
  /** The account as typed (masked when it looked like an SSN). */
  accountRaw: string | null;
  /** The stored details of the payment (for NACHA the batch's SEC code, company name and id…). */
  details: Record<string, unknown>;
  /** The return reason code (R21…). */
  reasonCode: string;
  /** Free text for the receiver (truncated to what the format holds). */
  information: string;
}

export interface ReturnFileRequest {
  /** The header of the file the first item came in (the adapter's `header` info), to swap origin and destination. */
  originalHeader: Record<string, unknown>;
  items: ReturnItem[];
  /** Local day and time of building: YYYY-MM-DD and HHMM. */
  createdOn: string;
  createdAt: string;
  /** Sequence of the first new trace number, so traces do not repeat from one file to the next. */
  firstSequence: number;
  /** Which file of the day this is (1, 2, …): NACHA tells a day's files apart by the file id modifier. */
  fileOfDay: number;
}

export interface ReturnFileBuilt {
  text: string;
  /** The new trace number of each item's return entry, by payment id. */
  traces: Map<string, string>;
  totalCents: number;
}

export interface ReturnFileWriter {
  /** Throws an Error naming the item when a stored record cannot be returned (not a credit, unreadable). */
  build(request: ReturnFileRequest): ReturnFileBuilt;
}
