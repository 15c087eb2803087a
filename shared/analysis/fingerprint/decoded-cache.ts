/**
 * Decoded forms of a fingerprint's packed fields (base64 levels, excerpts), by the packed text:
 * a lookup compares one sound with up to 16 candidates, and a check of 500 items meets the same
 * library sounds again and again, so each field is decoded once while it is in use instead of
 * once per comparison. The most recently used `capacity` entries are kept. Values must not be
 * changed by their readers.
 */
export class DecodedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  /** The value for `packed`, made by `decode` on a miss. */
  get(packed: string, decode: (packed: string) => V): V {
    const known = this.entries.get(packed);
    if (known !== undefined) {
      // Map keeps insertion order: moved to the end, it is the most recently used.
      this.entries.delete(packed);
      this.entries.set(packed, known);
      return known;
    }
    const value = decode(packed);
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(packed, value);
    return value;
  }
}
