import { timingSafeEqual } from "node:crypto";
import { constants as fsConstants, type Stats } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, rmdir, stat, type FileHandle } from "node:fs/promises";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { Server, utils, type Attributes, type Connection, type FileEntry, type SFTPWrapper } from "ssh2";
import { fingerprintOfKey, parseOneKey } from "../sources/host-key";
import { generateEd25519 } from "./ssh-keys";

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

/**
 * A small SFTP server on 127.0.0.1 that serves one folder, built on ssh2's Server: the demo pulls
 * sample files through it, and tests run every failure case against it. Like many appliance
 * servers it offers no posix-rename extension, and its RENAME refuses an existing target (SFTP v3).
 * It can also play a hostile or failing server (`faults`), which a real sshd cannot do on demand.
 */
export interface SftpServerOptions {
  root: string;
  username: string;
  /** The one public key accepted for `username` (OpenSSH "ssh-ed25519 AAAA…" line). */
  authorizedKey: string;
  /** Host private key (OpenSSH format); a fresh ed25519 key when omitted. */
  hostKey?: string;
  port?: number;
}

export interface SftpServerFaults {
  /** The next N file downloads return half the bytes asked for, then the socket is cut. */
  cutMidDownload: number;
  /** Names a hostile server adds to every listing of "/" (path traversal attempts). */
  hostileNames: string[];
}

interface OpenFile {
  kind: "file";
  fh: FileHandle;
  reads: number;
}
interface OpenDir {
  kind: "dir";
  path: string;
  sent: boolean;
}

export class DemoSftpServer {
  readonly hostKey: string;
  readonly hostKeySha256: string;
  readonly faults: SftpServerFaults = { cutMidDownload: 0, hostileNames: [] };
  private readonly server: Server;
  private readonly clients = new Set<Connection>();
  private readonly authorized: ReturnType<typeof parseOneKey>;
  private port = 0;

  constructor(private readonly options: SftpServerOptions) {
    this.hostKey = options.hostKey ?? generateEd25519().private;
    this.hostKeySha256 = fingerprintOfKey(this.hostKey);
    this.authorized = parseOneKey(options.authorizedKey);
    this.server = new Server({ hostKeys: [this.hostKey] }, (client) => this.onClient(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  get address(): { host: string; port: number } {
    return { host: "127.0.0.1", port: this.port };
  }

  /** Cut every open connection at the TCP level, as a crashed server or a dropped link would. */
  cutConnections(): void {
    for (const client of this.clients) cut(client);
  }

  async stop(): Promise<void> {
    this.cutConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onClient(client: Connection): void {
    this.clients.add(client);
    client.on("close", () => this.clients.delete(client));
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey" || ctx.username !== this.options.username) return ctx.reject(["publickey"]);
      const offered = ctx.key.data;
      const mine = this.authorized.getPublicSSH();
      if (ctx.key.algo !== this.authorized.type || offered.length !== mine.length || !timingSafeEqual(offered, mine)) {
        return ctx.reject(["publickey"]);
      }
      // Without a signature the client is only asking whether this key would do.
      if (!ctx.signature) return ctx.accept();
      return this.authorized.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("sftp", (acceptSftp) => this.serve(acceptSftp(), client));
      });
    });
  }

  /** Maps a client path onto the served folder; `..` cannot climb above its root. */
  private local(p: string): string {
    return path.join(this.options.root, path.posix.normalize(`/${p}`));
  }

  private serve(sftp: SFTPWrapper, client: Connection): void {
    const handles = new Map<number, OpenFile | OpenDir>();
    let next = 0;
    const newHandle = (h: OpenFile | OpenDir): Buffer => {
      const id = next++;
      handles.set(id, h);
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(id);
      return buf;
    };
    const lookup = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
    const fail = (reqid: number, error: unknown) => sftp.status(reqid, statusOf(error), (error as Error).message);
    // A cut connection never sends CLOSE: release its open files here.
    client.once("close", () => {
      for (const h of handles.values()) if (h.kind === "file") void h.fh.close().catch(() => undefined);
      handles.clear();
    });

    sftp.on("REALPATH", (reqid, p) => {
      const abs = path.posix.normalize(`/${p}`);
      sftp.name(reqid, [{ filename: abs, longname: abs, attrs: {} as Attributes }]);
    });
    for (const op of ["STAT", "LSTAT"] as const) {
      sftp.on(op, async (reqid: number, p: string) => {
        try {
          sftp.attrs(reqid, toAttrs(await (op === "STAT" ? stat : lstat)(this.local(p))));
        } catch (error) {
          fail(reqid, error);
        }
      });
    }
    sftp.on("OPEN", async (reqid, p, flags) => {
      if (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) {
        return sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, "this server is read-only for file contents");
      }
      try {
        const fh = await open(this.local(p), fsConstants.O_RDONLY);
        sftp.handle(reqid, newHandle({ kind: "file", fh, reads: 0 }));
      } catch (error) {
        fail(reqid, error);
      }
    });
    sftp.on("READ", async (reqid, handle, offset, length) => {
      const h = lookup(handle);
      if (h?.kind !== "file") return sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
      h.reads++;
      const cutting = this.faults.cutMidDownload > 0;
      if (cutting && h.reads === 2) {
        this.faults.cutMidDownload--;
        return cut(client);
      }
      try {
        const want = cutting ? Math.max(1, Math.floor(length / 2)) : length;
        const buf = Buffer.alloc(want);
        const { bytesRead } = await h.fh.read(buf, 0, want, offset);
        if (bytesRead === 0) return sftp.status(reqid, STATUS_CODE.EOF);
        sftp.data(reqid, buf.subarray(0, bytesRead));
      } catch (error) {
        fail(reqid, error);
      }
    });
    sftp.on("FSTAT", async (reqid, handle) => {
      const h = lookup(handle);
      if (h?.kind !== "file") return sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
      sftp.attrs(reqid, toAttrs(await h.fh.stat()));
    });
    sftp.on("CLOSE", async (reqid, handle) => {
      const h = lookup(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
      handles.delete(handle.readUInt32BE(0));
      if (h.kind === "file") await h.fh.close().catch(() => undefined);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    sftp.on("OPENDIR", async (reqid, p) => {
      try {
        if (!(await stat(this.local(p))).isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE, "not a directory");
        sftp.handle(reqid, newHandle({ kind: "dir", path: path.posix.normalize(`/${p}`), sent: false }));
      } catch (error) {
        fail(reqid, error);
      }
    });
    sftp.on("READDIR", async (reqid, handle) => {
      const h = lookup(handle);
      if (h?.kind !== "dir") return sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
      if (h.sent) return sftp.status(reqid, STATUS_CODE.EOF);
      h.sent = true;
      try {
        const dir = this.local(h.path);
        const entries: FileEntry[] = [];
        for (const name of await readdir(dir)) {
          const s = await lstat(path.join(dir, name)).catch(() => null);
          if (s) entries.push(entry(name, s));
        }
        if (h.path === "/") for (const name of this.faults.hostileNames) entries.push(entry(name, null));
        sftp.name(reqid, entries);
      } catch (error) {
        fail(reqid, error);
      }
    });
    sftp.on("MKDIR", async (reqid, p) => {
      await mkdir(this.local(p)).then(() => sftp.status(reqid, STATUS_CODE.OK), (e: unknown) => fail(reqid, e));
    });
    sftp.on("RMDIR", async (reqid, p) => {
      await rmdir(this.local(p)).then(() => sftp.status(reqid, STATUS_CODE.OK), (e: unknown) => fail(reqid, e));
    });
    sftp.on("REMOVE", async (reqid, p) => {
      await rm(this.local(p)).then(() => sftp.status(reqid, STATUS_CODE.OK), (e: unknown) => fail(reqid, e));
    });
    sftp.on("RENAME", async (reqid, from, to) => {
      // SFTP v3: a rename onto an existing name fails (what posix-rename exists to avoid).
      if (await lstat(this.local(to)).then(() => true, () => false)) {
        return sftp.status(reqid, STATUS_CODE.FAILURE, "target exists");
      }
      await rename(this.local(from), this.local(to)).then(() => sftp.status(reqid, STATUS_CODE.OK), (e: unknown) => fail(reqid, e));
    });
    for (const op of ["SETSTAT", "FSETSTAT", "WRITE", "READLINK", "SYMLINK"] as const) {
      sftp.on(op, (reqid: number) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, `${op} is not supported here`));
    }
  }
}

/** Destroy the TCP socket under a connection: no SSH goodbye, as when a link or a server dies. */
function cut(client: Connection): void {
  // ssh2 keeps the socket private; `end()` would close the session politely instead.
  (client as unknown as { _sock: Socket })._sock.destroy();
}

function statusOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return STATUS_CODE.NO_SUCH_FILE;
  if (code === "EACCES" || code === "EPERM") return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

function toAttrs(s: Stats): Attributes {
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

/** A directory entry; ssh2-sftp-client reads the type from the first letter of `longname`. */
function entry(name: string, s: Stats | null): FileEntry {
  const attrs = s ? toAttrs(s) : { mode: 0o100644, uid: 0, gid: 0, size: 100, atime: 0, mtime: 0 };
  const type = s?.isDirectory() ? "d" : s?.isSymbolicLink() ? "l" : "-";
  return { filename: name, longname: `${type}rw-r--r-- 1 demo demo ${attrs.size} Jan 1 00:00 ${name}`, attrs };
}
