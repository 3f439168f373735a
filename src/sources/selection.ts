import path from "node:path";
import { minimatch } from "minimatch";

/**
 * Which listed files are ready to take: the stable-file rules that keep a poller from grabbing a
 * file the sender is still writing (Camel's `readLock=changed` + `doneFileName`, in one place for
 * the SFTP and the local-folder source).
 */
export interface ListedFile {
  name: string;
  size: number;
  mtime: Date;
  isFile: boolean;
}

export interface SelectionRules {
  pattern: string;
  minAgeSeconds: number;
  doneSuffix?: string;
  maxFileBytes: number;
}

export type SkipReason = "unsafe_name" | "temp_name" | "too_young" | "still_changing" | "no_done_file" | "deferred";

export interface Skipped {
  name: string;
  reason: SkipReason;
}

export interface Selection {
  /** Stable, matching files, oldest first; `oversize` marks those over maxFileBytes. */
  eligible: Array<ListedFile & { oversize: boolean }>;
  skipped: Skipped[];
}

const TEMP_SUFFIXES = [".part", ".tmp", ".filepart", ".partial", ".crdownload"];

/** Why a remote name must not be used to build a path, or null when it is a plain file name. */
export function unsafeNameReason(name: string): string | null {
  if (name === "" || name === "." || name === "..") return "is empty or a directory reference";
  if (name.includes("/") || name.includes("\\")) return "contains a path separator";
  if (/^[A-Za-z]:/.test(name)) return "looks like a drive path";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains control characters";
  return null;
}

/** Uploaders write under a temporary name (or a hidden one) and rename when done. */
export function isTempName(name: string): boolean {
  const lower = name.toLowerCase();
  return name.startsWith(".") || TEMP_SUFFIXES.some((s) => lower.endsWith(s));
}

/** Join a checked file name onto a folder; refuses anything that could leave the folder. */
export function joinRemote(dir: string, name: string): string {
  const reason = unsafeNameReason(name);
  if (reason) throw new Error(`refusing remote name ${JSON.stringify(name)}: ${reason}`);
  return path.posix.join(dir, name);
}

/**
 * `first` and `second` are two listings of the same folder taken a moment apart: a file whose
 * size or mtime differs between them is still being written.
 */
export function selectFiles(first: ListedFile[], second: ListedFile[], rules: SelectionRules, now: Date): Selection {
  const before = new Map(first.map((f) => [f.name, f]));
  const names = new Set(second.map((f) => f.name));
  const eligible: Selection["eligible"] = [];
  const skipped: Skipped[] = [];
  for (const file of second) {
    if (file.name === "." || file.name === "..") continue;
    if (unsafeNameReason(file.name)) {
      skipped.push({ name: file.name, reason: "unsafe_name" });
      continue;
    }
    if (!file.isFile) continue;
    if (rules.doneSuffix && file.name.endsWith(rules.doneSuffix)) continue;
    if (!minimatch(file.name, rules.pattern, { dot: false, nocase: false })) continue;
    if (isTempName(file.name)) {
      skipped.push({ name: file.name, reason: "temp_name" });
      continue;
    }
    if (rules.doneSuffix && !names.has(file.name + rules.doneSuffix)) {
      skipped.push({ name: file.name, reason: "no_done_file" });
      continue;
    }
    const earlier = before.get(file.name);
    if (!earlier || earlier.size !== file.size || earlier.mtime.getTime() !== file.mtime.getTime()) {
      skipped.push({ name: file.name, reason: "still_changing" });
      continue;
    }
    // Without an age rule a file dated in the future (the sender's clock, or ours after a jump back) is not held back.
    if (rules.minAgeSeconds > 0 && now.getTime() - file.mtime.getTime() < rules.minAgeSeconds * 1000) {
      skipped.push({ name: file.name, reason: "too_young" });
      continue;
    }
    eligible.push({ ...file, oversize: file.size > rules.maxFileBytes });
  }
  eligible.sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || a.name.localeCompare(b.name));
  return { eligible, skipped };
}
