export * from "./money";
export * from "./enums";
export * from "./dates";
export * from "./finding";
export * from "./payment";
export * from "./bank-entry";
export * from "./remittance-file";
