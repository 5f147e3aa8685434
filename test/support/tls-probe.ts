/** Raw TLS and TCP probes of a daemon's ports, for asserting what is refused. */
import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export type ProbeOutcome = 'answered' | 'refused';

/**
 * Sends GET /_ping over TLS with the given client credentials (or none) and reports whether the
 * daemon answered with HTTP or the connection was refused (handshake alert, reset, close).
 */
export function tlsPing(
  host: string,
  port: number,
  credentials: { ca: string; cert?: string; key?: string; servername?: string },
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let data = '';
    const socket = tlsConnect({
      host,
      port,
      ca: credentials.ca,
      cert: credentials.cert,
      key: credentials.key,
      // SNI is for names only; for an address Node checks the certificate's IP SANs.
      ...(isIP(host) === 0
        ? { servername: credentials.servername ?? host }
        : credentials.servername
          ? { servername: credentials.servername }
          : {}),
      rejectUnauthorized: true,
    });
    const finish = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(10_000, () => finish('refused'));
    socket.on('secureConnect', () =>
      socket.write(`GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`),
    );
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.startsWith('HTTP/1.1')) finish('answered');
    });
    socket.on('error', () => finish('refused'));
    socket.on('close', () => finish(data.startsWith('HTTP/1.1') ? 'answered' : 'refused'));
  });
}

/** Whether anything accepts a TCP connection on host:port. */
export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 5_000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}
