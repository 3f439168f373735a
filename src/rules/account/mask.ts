/**
 * Account masks in the bill-pay networks' syntax: `#` a digit, `*` a letter, `@` a letter or a
 * digit, any other character itself. The length must match. A payee may register several masks;
 * a value that fits any one of them has a valid form.
 */

function fits(char: string, symbol: string): boolean {
  switch (symbol) {
    case "#":
      return char >= "0" && char <= "9";
    case "*":
      return /^[A-Za-z]$/.test(char);
    case "@":
      return /^[A-Za-z0-9]$/.test(char);
    default:
      return char === symbol;
  }
}

export function matchesMask(value: string, mask: string): boolean {
  if (value.length !== mask.length) return false;
  for (let i = 0; i < mask.length; i += 1) {
    if (!fits(value[i], mask[i])) return false;
  }
  return true;
}

export function matchesAnyMask(value: string, masks: readonly string[]): boolean {
  return masks.some((mask) => matchesMask(value, mask));
}

/** "7######## (# is a digit)": the masks with a legend for the symbols they use, for reasons. */
export function describeMasks(masks: readonly string[]): string {
  const joined = masks.join("");
  const legend = [
    joined.includes("#") ? "# is a digit" : null,
    joined.includes("*") ? "* a letter" : null,
    joined.includes("@") ? "@ a letter or digit" : null,
  ].filter((s): s is string => s !== null);
  const list = masks.join(" or ");
  return legend.length ? `${list} (${legend.join(", ")})` : list;
}
