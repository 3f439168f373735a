/** A resolution that cannot be done as asked; nothing was changed. */
export class ResolveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResolveError";
  }
}
