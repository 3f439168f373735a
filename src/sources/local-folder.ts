import { createReadStream } from "node:fs";
import { access, mkdir, readdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { SourceFolder } from "./folder";
import { VanishedError } from "./folder";
import type { ListedFile } from "./selection";
import type { StagedFile } from "./staging";

/** A folder on this machine (a bank pushes into a mounted share): the same poll as SFTP. */
export class LocalFolder implements SourceFolder {
  readonly kind = "local" as const;
  readonly location = "file://";

  async list(dir: string): Promise<ListedFile[]> {
    const entries = await readdir(dir, { withFileTypes: true });
    const listed: ListedFile[] = [];
    for (const entry of entries) {
      try {
        const s = await stat(path.join(dir, entry.name));
        listed.push({ name: entry.name, size: s.size, mtime: s.mtime, isFile: s.isFile() && !entry.isSymbolicLink() });
      } catch {
        // Gone between readdir and stat: the next listing will not show it either.
      }
    }
    return listed;
  }

  async download(file: string, stage: (input: Readable) => Promise<StagedFile>): Promise<StagedFile> {
    try {
      return await stage(createReadStream(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new VanishedError(file);
      throw error;
    }
  }

  async exists(file: string): Promise<boolean> {
    return access(file).then(
      () => true,
      () => false,
    );
  }

  async ensureDir(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(from, to);
  }

  async close(): Promise<void> {}
}
