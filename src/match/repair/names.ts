/**
 * Payer names as banks send them against member names as billing data holds them: case,
 * punctuation and the order of given and family names vary ("SMITH JOHN Q", "John Q. Smith"),
 * and banks often send initials, and often drop accents ("JOSE MUNOZ" for José Muñoz). Accented
 * Latin letters count as their plain letter and other characters separate words, by the same
 * table as the database's key (billpay_name_key, migration RepairSuggestions): one function in both.
 */

export const ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ";
export const PLAIN = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy";
const PLAIN_OF = new Map([...ACCENTED].map((c, i) => [c, PLAIN[i]]));

function tokens(name: string): string[] {
  return [...name]
    .map((c) => PLAIN_OF.get(c) ?? c)
    .join("")
    .split(/[^A-Za-z]+/)
    .filter((t) => t.length > 0)
    .map((t) => t.toLowerCase());
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Words of two or more letters, lower case, sorted: equal keys are the same name in any order. Null when none. */
export function nameKey(name: string | null): string | null {
  if (!name) return null;
  const words = tokens(name)
    .filter((t) => t.length > 1)
    .sort(byCodeUnit);
  return words.length ? words.join(" ") : null;
}

export type NameEvidence = "same_name" | "initials";

/**
 * "same_name" when the keys are equal; "initials" when every word of the shorter name is a word or
 * the initial of a word of the other, and at least one full word (a family name) is shared.
 */
export function compareNames(payer: string | null, member: string | null): NameEvidence | null {
  if (!payer || !member) return null;
  if (nameKey(payer) !== null && nameKey(payer) === nameKey(member)) return "same_name";
  const [a, b] = [tokens(payer), tokens(member)].sort((x, y) => x.length - y.length);
  const pool = [...b];
  let fullWords = 0;
  for (const t of a) {
    const at = pool.findIndex(
      (w) => w === t || (t.length === 1 && w.startsWith(t)) || (w.length === 1 && t.startsWith(w)),
    );
    if (at < 0) return null;
    if (t.length > 1 && pool[at].length > 1) fullWords += 1;
    pool.splice(at, 1);
  }
  return fullWords > 0 ? "initials" : null;
}
