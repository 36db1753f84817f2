import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import type { Logger } from './core/context.js';

// --tls-cert/--tls-key. The files are read at startup (a bad pair stops startup) and again on SIGHUP:
// setSecureContext swaps the certificate for new handshakes while open connections keep theirs, so a
// renewed certificate is picked up without dropping a long poll.

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

/** Installs the SIGHUP reload; returns the function that removes it. */
export function reloadOnSighup(server: Server, files: TlsFiles, log: Logger): () => void {
  const reload = () => {
    try {
      server.setSecureContext(readTlsFiles(files));
      log.info({ certFile: files.certFile }, 'TLS certificate reloaded');
    } catch (err) {
      // The old certificate stays in use; the message names the file, never key material.
      log.error({ certFile: files.certFile, keyFile: files.keyFile, reason: (err as Error).message }, 'TLS reload failed; keeping the current certificate');
    }
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}
