/** Where --smtp relays the mails (config/resolve-account-flows.ts checks it). */
export interface SmtpServer {
  host: string;
  port: number;
}

/** One message as the outbox wrote it: `raw` is the .eml file's text, sent as it is. */
export interface RelayedMail {
  /** The From header: its address is the envelope's MAIL FROM. */
  from: string;
  /** The To header's address (formatAddress: a local part that needs it quoted): the envelope's RCPT TO. */
  to: string;
  raw: string;
}

export interface MailRelay {
  /** Starts sending; returns at once. A failure is one line on the console, never an error thrown at the caller. */
  relay(mail: RelayedMail): void;
  /** Resolves once every relay started before the call has been delivered or has failed. */
  settled(): Promise<void>;
  /** Closes the transport: after settled(), on the server's close(). */
  close(): void;
}

/**
 * No relay waits longer than this for the connection, the greeting, a DNS answer or any reply, so a dead SMTP
 * server delays close() by seconds, not nodemailer's default minutes.
 */
export const SMTP_TIMEOUT_MS = 10_000;

/** `localhost:1025`, `[::1]:1025`: the server as --smtp names it. */
export const smtpServerName = ({ host, port }: SmtpServer) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * README "The outbox": every mail also goes to an SMTP server (Mailpit, MailHog), byte for byte the .eml, over one
 * nodemailer transport (it speaks SMTP and its STARTTLS, and parses the envelope's addresses, so we do not), loaded
 * only with --smtp (it would add about 100 ms to every start). Plain SMTP, no login; `secure: false` even on port
 * 465. STARTTLS when the server offers it, without checking its certificate: opportunistic encryption (RFC 7435)
 * that keeps a passive listener out; checking would turn a dev catcher's self-signed certificate into a failed
 * relay, where plain text would have gone through.
 */
export function makeSmtpRelay(server: SmtpServer): MailRelay {
  const transport = import('nodemailer').then(({ createTransport }) =>
    createTransport({
      host: server.host,
      port: server.port,
      secure: false,
      tls: { rejectUnauthorized: false },
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
      dnsTimeout: SMTP_TIMEOUT_MS,
    }),
  );
  const pending = new Set<Promise<void>>();

  return {
    relay({ from, to, raw }) {
      const sending: Promise<void> = transport
        .then((smtp) => smtp.sendMail({ envelope: { from, to }, raw }))
        .then(() => undefined)
        .catch((error: unknown) =>
          console.error(
            `fake-jwt-api: could not relay the mail to ${to} to the SMTP server ${smtpServerName(server)} (--smtp); it is in the outbox all the same: ${(error as Error).message}`,
          ),
        )
        .finally(() => pending.delete(sending));
      pending.add(sending);
    },
    settled: async () => void (await Promise.all(pending)),
    // A nodemailer that failed to load has said so in each relay's line already.
    close: () => void transport.then((smtp) => smtp.close()).catch(() => undefined),
  };
}
