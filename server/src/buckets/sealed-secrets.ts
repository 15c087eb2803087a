import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The sealed form cannot be opened with this key (another server's, or damaged). */
export class SealError extends Error {
  override name = 'SealError';
}

/**
 * Secrets kept in the database sealed with AES-256-GCM under the server's key: a stolen
 * database alone does not give them away, and a sealed value that was altered does not open.
 * Sealed form: `v1.` + base64url(12-byte IV, ciphertext, 16-byte tag).
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /**
   * The box for `SECRET_KEY` (64 hex digits) or, without it, for the key in
   * `DATA_DIR/secret.key`, made at the first start (mode 600). Several server processes must
   * share one key: give each the same SECRET_KEY.
   */
  static async open(secretKey: string | null, dataDir: string): Promise<SecretBox> {
    if (secretKey) return new SecretBox(Buffer.from(secretKey, 'hex'));
    const file = join(dataDir, 'secret.key');
    const kept = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (kept !== null && /^[0-9a-f]{64}$/.test(kept.trim()))
      return new SecretBox(Buffer.from(kept.trim(), 'hex'));
    if (kept !== null) throw new Error(`${file} does not hold a key (64 hex digits)`);
    const key = randomBytes(32);
    // 'wx': two processes starting at once on one DATA_DIR keep the first one's key.
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    return SecretBox.open(null, dataDir);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** @throws SealError when the value was sealed under another key or altered. */
  open(sealed: string): string {
    if (!sealed.startsWith('v1.')) throw new SealError('not a sealed value of this server');
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    if (bytes.length < 28) throw new SealError('the sealed value is cut short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([
        decipher.update(bytes.subarray(12, bytes.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SealError(
        'it was sealed under another key: every server process needs the same SECRET_KEY',
      );
    }
  }
}
