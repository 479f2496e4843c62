import { objectIdOf, parseObject } from '../objects/object-content.js';

interface Entry {
  content: Uint8Array | undefined;
  refs: number;
}

/**
 * Content-addressed objects held by the link. An id is announced (pre-registered) before its bytes arrive;
 * every holder (an instruction waiting to be pulled, a reply being uploaded) takes a reference and releases it
 * when done, so an array chunk shared by many messages is stored once and freed with its last user.
 */
export class ObjectStore {
  private readonly entries = new Map<string, Entry>();
  private storedBytes = 0;

  /** Take a reference to each id (announcing unknown ids). Returns the ids whose bytes are still missing. */
  retain(ids: Iterable<string>): string[] {
    const missing: string[] = [];
    for (const id of ids) {
      let e = this.entries.get(id);
      if (!e) this.entries.set(id, (e = { content: undefined, refs: 0 }));
      e.refs++;
      if (e.content === undefined) missing.push(id);
    }
    return missing;
  }

  release(ids: Iterable<string>): void {
    for (const id of ids) {
      const e = this.entries.get(id);
      if (!e) continue;
      if (--e.refs <= 0) {
        this.entries.delete(id);
        if (e.content) this.storedBytes -= e.content.length;
      }
    }
  }

  /** Store bytes for an announced id after checking that they hash to it and are a well-formed object. */
  put(id: string, content: Uint8Array): 'stored' | 'not-announced' {
    const e = this.entries.get(id);
    if (!e) return 'not-announced';
    const actual = objectIdOf(content);
    if (actual !== id) throw new Error(`object content hashes to ${actual}, not to the id ${id} it was pushed under`);
    parseObject(content);
    if (e.content === undefined) {
      e.content = content; // grpc-js hands each request its own buffer, so keeping a view is safe
      this.storedBytes += content.length;
    }
    return 'stored';
  }

  /** Store bytes this process made itself (already hashed when they were built). */
  putOwn(id: string, content: Uint8Array): void {
    const e = this.entries.get(id);
    if (!e || e.content !== undefined) return;
    e.content = content;
    this.storedBytes += content.length;
  }

  /** 'unknown' (never announced), 'pending' (announced, bytes not here yet) or the bytes. */
  get(id: string): Uint8Array | 'unknown' | 'pending' {
    const e = this.entries.get(id);
    if (!e) return 'unknown';
    return e.content ?? 'pending';
  }

  has(id: string): boolean {
    return this.entries.get(id)?.content !== undefined;
  }

  get bytes(): number {
    return this.storedBytes;
  }

  get size(): number {
    return this.entries.size;
  }
}
