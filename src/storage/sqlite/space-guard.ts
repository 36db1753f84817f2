import { closeSync, existsSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';

// A full disk must not stop consumers: draining the queue is how an operator frees space. But in SQLite
// every write needs room (a delete or a claim appends WAL frames and may split an index page), so once
// the disk is completely full nothing can be written, deletes included. The guard therefore stops the
// writes that grow the store (sends, new queues, tags, move tasks) while there is still room left, and
// keeps that room for the writes that shrink or rewrite it (receive, delete, change visibility, purge,
// delete queue, maintenance):
//
//  - Free-space mark. Room is what SQLite can still write: the free bytes of the data directory's file
//    system plus the database's free pages (pages freed by deletes are reused before the file grows), and
//    never more than `PRAGMA max_page_count` allows. Below `markBytes` the store turns read-only for growth:
//    sends answer ServiceUnavailable (503, retried by every SDK) and /health says read-only. The room is
//    measured on every maintenance tick (one statfs and two header pragmas, about a second apart) and, in
//    between, lowered by an estimate of what each accepted send writes, so a burst cannot run far past it.
//  - Reserve file. The mark protects the room from Wharf's own growth, not from another process filling
//    the disk. `wharf.db-reserve` holds `reserveBytes` of real blocks; when SQLite reports SQLITE_FULL the
//    guard turns read-only and deletes it, giving receives and deletes that much room to drain in. It is
//    written again when the room is back above mark + reserve.
//  - Recovery needs no restart: a tick that finds the room at twice the mark (hysteresis, so sends do not
//    flap at the edge) turns writes back on. Draining frees database pages, which count as room, so
//    consuming a full queue by itself makes sends possible again.

export interface SpaceGuardOptions {
  /** The database file; null for ':memory:' (no disk, nothing to guard but max_page_count). */
  path: string | null;
  /** Room below which growth is refused. */
  markBytes: number;
  /** Size of the reserve file released on SQLITE_FULL; 0 for none. */
  reserveBytes: number;
}

/** What the guard assumes an accepted send writes per byte of message (row, payload, indexes, WAL frames). */
const WRITE_AMPLIFICATION = 3;
const PER_MESSAGE_BYTES = 512;

export type SpaceGuard = ReturnType<typeof createSpaceGuard>;

export function createSpaceGuard(db: Database.Database, options: SpaceGuardOptions) {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.prepare('PRAGMA page_count').pluck();
  const freelistCount = db.prepare('PRAGMA freelist_count').pluck();
  const maxPageCount = db.prepare('PRAGMA max_page_count').pluck();
  const reservePath = options.path === null ? null : `${options.path}-reserve`;
  const directory = options.path === null ? null : dirname(options.path);
  let refusing = false;
  let roomBytes = Number.POSITIVE_INFINITY;

  const measure = (): number => {
    const freePages = freelistCount.get() as number;
    const pageRoom = ((maxPageCount.get() as number) - (pageCount.get() as number) + freePages) * pageSize;
    if (directory === null) return pageRoom;
    const fs = statfsSync(directory);
    return Math.min(pageRoom, fs.bavail * fs.bsize + freePages * pageSize);
  };

  const reserveHeld = () => reservePath !== null && existsSync(reservePath) && statSync(reservePath).size >= options.reserveBytes;

  const writeReserve = (): boolean => {
    if (reservePath === null || options.reserveBytes <= 0 || reserveHeld()) return true;
    const chunk = Buffer.alloc(Math.min(options.reserveBytes, 1024 * 1024));
    let fd: number | undefined;
    try {
      fd = openSync(reservePath, 'w');
      for (let written = 0; written < options.reserveBytes; written += chunk.length) writeSync(fd, chunk);
      closeSync(fd);
      return true;
    } catch {
      if (fd !== undefined) closeSync(fd);
      releaseReserve();
      return false;
    }
  };

  const releaseReserve = (): void => {
    if (reservePath !== null && existsSync(reservePath)) unlinkSync(reservePath);
  };

  const refresh = (): void => {
    roomBytes = measure();
    if (refusing && roomBytes >= 2 * options.markBytes) {
      // The reserve comes back first, out of the room that returned; growth resumes only with it in place.
      if (options.reserveBytes > 0 && !reserveHeld() && (roomBytes < options.markBytes + options.reserveBytes || !writeReserve())) return;
      refusing = false;
    } else if (!refusing && roomBytes < options.markBytes) {
      refusing = true;
    }
  };

  // Kept across restarts (a file left by the last run is reused as it is).
  writeReserve();
  refresh();

  return {
    /** True while growth is refused. */
    get readOnly(): boolean {
      return refusing;
    },
    /** Bytes SQLite can still write, as last measured and estimated. */
    get roomBytes(): number {
      return roomBytes;
    },
    /** Re-measures the room (maintenance tick); turns growth back on when enough returned. */
    refresh,
    /** Before a send: false when it must be refused. Accepted sends lower the estimated room. */
    admit(messageBytes: number, messages: number): boolean {
      if (refusing) return false;
      roomBytes -= messageBytes * WRITE_AMPLIFICATION + messages * PER_MESSAGE_BYTES;
      if (roomBytes < options.markBytes) refresh();
      return !refusing;
    },
    /** SQLite reported SQLITE_FULL: refuse growth and hand the reserve's room to draining writes. */
    full(): void {
      refusing = true;
      releaseReserve();
      roomBytes = measure();
    },
  };
}
