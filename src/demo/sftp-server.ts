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
      return this.authorized.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true
        ? ctx.accept()
        : ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("sftp", (acceptSftp) => this.serve(acceptSftp(), client));
      });
    });
  }

  private serve(sftp: SFTPWrapper, client: Connection): void {
    new SftpSession(sftp, client, this.options.root, this.faults).listen();
  }
}

/** One client's SFTP subsystem: its open handles, and one method per request it answers. */
class SftpSession {
  private readonly handles = new Map<number, OpenFile | OpenDir>();
  private next = 0;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly client: Connection,
    private readonly root: string,
    private readonly faults: SftpServerFaults,
  ) {}

  listen(): void {
    const sftp = this.sftp;
    // A cut connection never sends CLOSE: release its open files here.
    this.client.once("close", () => this.releaseAll());
    sftp.on("REALPATH", (reqid, p) => this.realpath(reqid, p));
    sftp.on("STAT", (reqid, p) => this.stat(reqid, p, stat));
    sftp.on("LSTAT", (reqid, p) => this.stat(reqid, p, lstat));
    sftp.on("OPEN", (reqid, p, flags) => this.open(reqid, p, flags));
    sftp.on("READ", (reqid, handle, offset, length) => this.read(reqid, handle, offset, length));
    sftp.on("FSTAT", (reqid, handle) => this.fstat(reqid, handle));
    sftp.on("CLOSE", (reqid, handle) => this.close(reqid, handle));
    sftp.on("OPENDIR", (reqid, p) => this.opendir(reqid, p));
    sftp.on("READDIR", (reqid, handle) => this.readdir(reqid, handle));
    sftp.on("MKDIR", (reqid, p) => this.settle(reqid, () => mkdir(this.local(p))));
    sftp.on("RMDIR", (reqid, p) => this.settle(reqid, () => rmdir(this.local(p))));
    sftp.on("REMOVE", (reqid, p) => this.settle(reqid, () => rm(this.local(p))));
    sftp.on("RENAME", (reqid, from, to) => this.rename(reqid, from, to));
    for (const op of ["SETSTAT", "FSETSTAT", "WRITE", "READLINK", "SYMLINK"] as const) {
      sftp.on(op, (reqid: number) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, `${op} is not supported here`));
    }
  }

  /** Maps a client path onto the served folder; `..` cannot climb above its root. */
  private local(p: string): string {
    return path.join(this.root, path.posix.normalize(`/${p}`));
  }

  private newHandle(h: OpenFile | OpenDir): Buffer {
    const id = this.next++;
    this.handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  }

  private lookup(buf: Buffer): OpenFile | OpenDir | undefined {
    return buf.length === 4 ? this.handles.get(buf.readUInt32BE(0)) : undefined;
  }

  private fail(reqid: number, error: unknown): void {
    return this.sftp.status(reqid, statusOf(error), (error as Error).message);
  }

  private releaseAll(): void {
    for (const h of this.handles.values()) if (h.kind === "file") void h.fh.close().catch(() => undefined);
    this.handles.clear();
  }

  private realpath(reqid: number, p: string): void {
    const abs = path.posix.normalize(`/${p}`);
    this.sftp.name(reqid, [{ filename: abs, longname: abs, attrs: {} as Attributes }]);
  }

  private async stat(reqid: number, p: string, how: (p: string) => Promise<Stats>): Promise<void> {
    try {
      this.sftp.attrs(reqid, toAttrs(await how(this.local(p))));
    } catch (error) {
      this.fail(reqid, error);
    }
  }

  private async open(reqid: number, p: string, flags: number): Promise<void> {
    if (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) {
      return this.sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, "this server is read-only for file contents");
    }
    try {
      const fh = await open(this.local(p), fsConstants.O_RDONLY);
      this.sftp.handle(reqid, this.newHandle({ kind: "file", fh, reads: 0 }));
    } catch (error) {
      this.fail(reqid, error);
    }
  }

  /** With `cutMidDownload` set, the first READ is answered short and the second cuts the link. */
  private async read(reqid: number, handle: Buffer, offset: number, length: number): Promise<void> {
    const h = this.lookup(handle);
    if (h?.kind !== "file") return this.sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
    h.reads++;
    const cutting = this.faults.cutMidDownload > 0;
    if (cutting && h.reads === 2) {
      this.faults.cutMidDownload--;
      return cut(this.client);
    }
    try {
      const want = cutting ? Math.max(1, Math.floor(length / 2)) : length;
      const buf = Buffer.alloc(want);
      const { bytesRead } = await h.fh.read(buf, 0, want, offset);
      if (bytesRead === 0) return this.sftp.status(reqid, STATUS_CODE.EOF);
      this.sftp.data(reqid, buf.subarray(0, bytesRead));
    } catch (error) {
      this.fail(reqid, error);
    }
  }

  private async fstat(reqid: number, handle: Buffer): Promise<void> {
    const h = this.lookup(handle);
    if (h?.kind !== "file") return this.sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
    this.sftp.attrs(reqid, toAttrs(await h.fh.stat()));
  }

  private async close(reqid: number, handle: Buffer): Promise<void> {
    const h = this.lookup(handle);
    if (!h) return this.sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
    this.handles.delete(handle.readUInt32BE(0));
    if (h.kind === "file") await h.fh.close().catch(() => undefined);
    this.sftp.status(reqid, STATUS_CODE.OK);
  }

  private async opendir(reqid: number, p: string): Promise<void> {
    try {
      if (!(await stat(this.local(p))).isDirectory())
        return this.sftp.status(reqid, STATUS_CODE.FAILURE, "not a directory");
      this.sftp.handle(reqid, this.newHandle({ kind: "dir", path: path.posix.normalize(`/${p}`), sent: false }));
    } catch (error) {
      this.fail(reqid, error);
    }
  }

  /** The whole listing goes in one NAME reply; the next READDIR on the handle gets EOF. */
  private async readdir(reqid: number, handle: Buffer): Promise<void> {
    const h = this.lookup(handle);
    if (h?.kind !== "dir") return this.sftp.status(reqid, STATUS_CODE.FAILURE, "bad handle");
    if (h.sent) return this.sftp.status(reqid, STATUS_CODE.EOF);
    h.sent = true;
    try {
      const dir = this.local(h.path);
      const entries: FileEntry[] = [];
      for (const name of await readdir(dir)) {
        const s = await lstat(path.join(dir, name)).catch(() => null);
        if (s) entries.push(entry(name, s));
      }
      if (h.path === "/") for (const name of this.faults.hostileNames) entries.push(entry(name, null));
      this.sftp.name(reqid, entries);
    } catch (error) {
      this.fail(reqid, error);
    }
  }

  /** Answers OK when the file-system change succeeds, or the status its error maps to. */
  private async settle(reqid: number, change: () => Promise<unknown>): Promise<void> {
    await change().then(
      () => this.sftp.status(reqid, STATUS_CODE.OK),
      (e: unknown) => this.fail(reqid, e),
    );
  }

  private async rename(reqid: number, from: string, to: string): Promise<void> {
    // SFTP v3: a rename onto an existing name fails (what posix-rename exists to avoid).
    if (
      await lstat(this.local(to)).then(
        () => true,
        () => false,
      )
    ) {
      return this.sftp.status(reqid, STATUS_CODE.FAILURE, "target exists");
    }
    await this.settle(reqid, () => rename(this.local(from), this.local(to)));
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
  return {
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    atime: Math.floor(s.atimeMs / 1000),
    mtime: Math.floor(s.mtimeMs / 1000),
  };
}

/** A directory entry; ssh2-sftp-client reads the type from the first letter of `longname`. */
function entry(name: string, s: Stats | null): FileEntry {
  const attrs = s ? toAttrs(s) : { mode: 0o100644, uid: 0, gid: 0, size: 100, atime: 0, mtime: 0 };
  const type = s?.isDirectory() ? "d" : s?.isSymbolicLink() ? "l" : "-";
  return { filename: name, longname: `${type}rw-r--r-- 1 demo demo ${attrs.size} Jan 1 00:00 ${name}`, attrs };
}
