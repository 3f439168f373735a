import { existsSync } from "node:fs";
import path from "node:path";
import { Cron } from "croner";
import { z } from "zod";
import { loadAggregatorMapping, loadMappingFile, type LoadedMapping } from "./mapping-loader";
import { MAPPINGS_DIR, PROJECT_ROOT } from "../paths";
import { DEFAULT_PAYEE_POLICY } from "../rules/payee-policy-defaults";
import { PayeePolicy } from "../rules/payee-policy";
import { ConfigError, describeZodError } from "./zod-errors";
import { CONFIG_ENV } from "./config-env";
import { readYamlFile } from "./yaml-file";
import { PgpConfig } from "./pgp-config";

/**
 * The operator's configuration file (`--config FILE` or BILLPAY_CONFIG): per aggregator its
 * adapter, mapping, schedule and source. Key names are fixed by issue 4 so that configs stay
 * stable; secrets never sit in the file, only where to find them (a file path or an env var).
 */

const SECRET_IN_FILE = "secrets never sit in the config file: use privateKeyFile or privateKeyEnv";
const noSecret = z.never({ error: SECRET_IN_FILE }).optional();

/** An absolute POSIX folder with no `..` step: remote paths are built from it. */
const remoteFolder = z
  .string()
  .min(1)
  .refine((p) => p.startsWith("/"), "must be an absolute path (start with /)")
  .refine((p) => !p.split("/").includes(".."), "must not contain a .. step")
  .transform((p) => (p.length > 1 ? p.replace(/\/+$/, "") : p));

const LEAVE = "leave";
/** A folder, or `leave` for a read-only dropbox: the file stays and the ledger remembers it. */
const moveTarget = z.union([z.literal(LEAVE), remoteFolder]);

const pattern = z
  .string()
  .min(1)
  .refine((p) => !p.includes("/"), "is matched against file names only: no / allowed")
  .default("*");

/** What both kinds of source share: the stable-file rules and the caps. */
const commonSource = {
  pattern,
  minAgeSeconds: z.number().int().nonnegative().default(60),
  doneSuffix: z
    .string()
    .min(1)
    .refine((s) => !s.includes("/"), "must not contain /")
    .optional(),
  maxFilesPerPoll: z.number().int().positive().default(100),
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .default(2 * 1024 ** 3),
  /** Pause between the two listings that tell a finished file from one still being written. */
  settleMs: z.number().int().nonnegative().max(60_000).default(2_000),
  /** Files arrive OpenPGP-encrypted and/or signed: decrypted and verified while staged. */
  pgp: PgpConfig.optional(),
  password: noSecret,
  privateKey: noSecret,
  passphrase: noSecret,
};

const retrySettings = {
  /** Per attempt, for connect, list and download (download: time without a byte). */
  timeoutSeconds: z.number().positive().max(600).default(30),
  /** Attempts in all for connect, list and download. */
  attempts: z.number().int().min(1).max(10).default(4),
};

export const SftpSourceConfig = z
  .object({
    type: z.literal("sftp"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1),
    privateKeyFile: z.string().min(1).optional(),
    privateKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
      .optional(),
    /** Env var holding the key's passphrase, when the key has one. */
    passphraseEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
      .optional(),
    hostKeySha256: z
      .string({ error: "is required: the server's host key fingerprint as `ssh-keygen -lf` prints it (SHA256:…)" })
      .regex(
        /^SHA256:[A-Za-z0-9+/]{43}$/,
        'must look like "SHA256:" followed by 43 base64 characters, as `ssh-keygen -lf` prints it',
      ),
    remoteDir: remoteFolder,
    /** Where `billpay returns send` uploads return files for this aggregator (optional: no returns sent without it). */
    outboundDir: remoteFolder.optional(),
    archiveDir: moveTarget,
    errorDir: moveTarget.optional(),
    ...commonSource,
    ...retrySettings,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.privateKeyFile === !s.privateKeyEnv) {
      ctx.addIssue({
        code: "custom",
        path: ["privateKeyFile"],
        message: "give exactly one of privateKeyFile or privateKeyEnv",
      });
    }
    requireErrorDir(s, ctx);
  });

export const LocalSourceConfig = z
  .object({
    type: z.literal("local"),
    /** Relative paths are taken from the config file's folder. */
    dir: z.string().min(1),
    archiveDir: z.string().min(1),
    errorDir: z.string().min(1).optional(),
    ...commonSource,
  })
  .strict()
  .superRefine(requireErrorDir);

function requireErrorDir(s: { archiveDir: string; errorDir?: string }, ctx: z.RefinementCtx): void {
  if (s.archiveDir !== LEAVE && s.errorDir === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["errorDir"],
      message: "is required when archiveDir is a folder (or set it to leave)",
    });
  }
}

const cronPattern = z.string().refine((p) => {
  try {
    new Cron(p, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}, "is not a valid cron pattern");

const AggregatorEntry = z
  .object({
    adapter: z.string().min(1).optional(),
    /** Relative to the config file's folder, else to the project (mappings/…); default mappings/<id>.yaml. */
    mapping: z.string().min(1).optional(),
    schedule: cronPattern.optional(),
    source: z.discriminatedUnion("type", [SftpSourceConfig, LocalSourceConfig]),
  })
  .strict();

export const ConfigFileSchema = z
  .object({
    payee: PayeePolicy.optional(),
    aggregators: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "aggregator ids are lower-case letters, digits, - and _"),
        AggregatorEntry,
      )
      .refine((a) => Object.keys(a).length > 0, "must name at least one aggregator"),
  })
  .strict();

export type SftpSourceConfig = z.output<typeof SftpSourceConfig> & { errorDir: string };
export type LocalSourceConfig = z.output<typeof LocalSourceConfig> & { errorDir: string };
export type SourceConfig = SftpSourceConfig | LocalSourceConfig;

export interface AggregatorConfig {
  id: string;
  mapping: LoadedMapping;
  schedule: string | null;
  source: SourceConfig;
  /** "aggregators.<id>.source", for messages that name the key. */
  keyPath: string;
}

export interface BillpayConfig {
  file: string;
  payee: PayeePolicy;
  aggregators: AggregatorConfig[];
}

export { CONFIG_ENV };

/** The config file to use: the option, else BILLPAY_CONFIG; a clear error when neither is given. */
export function resolveConfigPath(option?: string): string {
  const file = option ?? process.env[CONFIG_ENV];
  if (!file)
    throw new ConfigError(
      `no configuration: pass --config FILE or set ${CONFIG_ENV} (see examples/billpay.example.yaml)`,
    );
  return path.resolve(file);
}

export function loadConfig(option?: string): BillpayConfig {
  const file = resolveConfigPath(option);
  return parseConfig(readYamlFile(file, "config file"), file);
}

/** Validate a parsed document; `file` names it in errors and anchors relative paths. */
export function parseConfig(doc: unknown, file: string): BillpayConfig {
  const parsed = ConfigFileSchema.safeParse(doc);
  if (!parsed.success) throw describeZodError(file, parsed.error);
  const base = path.dirname(file);
  const payee = parsed.data.payee ?? DEFAULT_PAYEE_POLICY;
  const aggregators = Object.entries(parsed.data.aggregators).map(([id, entry]): AggregatorConfig => {
    const key = `aggregators.${id}`;
    const mapping = loadMapping(id, entry.mapping, base, payee, key);
    if (entry.adapter && entry.adapter !== mapping.adapter.id) {
      throw new ConfigError(
        `${file}: ${key}.adapter: is "${entry.adapter}" but ${mapping.file} says adapter "${mapping.adapter.id}"`,
      );
    }
    const source = { ...entry.source, pgp: entry.source.pgp && resolvePgpFiles(entry.source.pgp, base) };
    const errorDir = source.errorDir ?? LEAVE;
    const resolved: SourceConfig =
      source.type === "local"
        ? {
            ...source,
            dir: path.resolve(base, source.dir),
            archiveDir: source.archiveDir === LEAVE ? LEAVE : path.resolve(base, source.archiveDir),
            errorDir: errorDir === LEAVE ? LEAVE : path.resolve(base, errorDir),
          }
        : { ...source, errorDir, privateKeyFile: source.privateKeyFile && path.resolve(base, source.privateKeyFile) };
    return { id, mapping, schedule: entry.schedule ?? null, source: resolved, keyPath: `${key}.source` };
  });
  return { file, payee, aggregators };
}

/** Key files, like the SFTP key, are taken from the config file's folder when relative. */
function resolvePgpFiles(pgp: PgpConfig, base: string): PgpConfig {
  return {
    ...pgp,
    decryptionKeyFile: pgp.decryptionKeyFile && path.resolve(base, pgp.decryptionKeyFile),
    verifyKeys: pgp.verifyKeys?.map((f) => path.resolve(base, f)),
  };
}

function loadMapping(
  id: string,
  given: string | undefined,
  base: string,
  payee: PayeePolicy,
  key: string,
): LoadedMapping {
  try {
    if (!given) return loadAggregatorMapping(id, payee);
    const candidates = path.isAbsolute(given)
      ? [given]
      : [path.resolve(base, given), path.resolve(PROJECT_ROOT, given), path.resolve(MAPPINGS_DIR, given)];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new ConfigError(`mapping file ${given} not found (looked in ${candidates.join(", ")})`);
    return loadMappingFile(found, id, payee);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${key}.mapping: ${error.message}`);
    throw error;
  }
}

export function isLeave(target: string): target is typeof LEAVE {
  return target === LEAVE;
}
