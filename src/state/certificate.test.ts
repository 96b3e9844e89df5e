import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certificateNames, checkedCredentials, selfSignedCertificate } from './certificate';

const dir = mkdtempSync(path.join(os.tmpdir(), 'certificate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;

it('names localhost, the loopback addresses, --host and an --allowed-host domain with its subdomains; not 0.0.0.0 or all', () => {
  const names = certificateNames(['0.0.0.0', 'all', '[::]', 'Teacher.Local', '.example.test']);
  expect(names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1', 'teacher.local', 'example.test', '*.example.test']));
  expect(names).not.toEqual(expect.arrayContaining(['0.0.0.0']));
  expect(names).not.toContain('all');
  expect(names).not.toContain('::');
});

it('is kept while valid and naming every name, and made anew when it expires within a week', async () => {
  const now = Date.now();
  const first = await selfSignedCertificate(dir, ['localhost'], now);
  expect(first.created).toBe(true);
  expect((await selfSignedCertificate(dir, ['localhost'], now)).created).toBe(true); // not kept yet: nothing written
  await first.keep();
  const kept = await selfSignedCertificate(dir, ['localhost'], now + 300 * DAY);
  expect(kept).toMatchObject({ created: false, fingerprint256: first.fingerprint256 });
  const renewed = await selfSignedCertificate(dir, ['localhost'], now + 360 * DAY);
  expect(renewed.created).toBe(true);
  expect(renewed.fingerprint256).not.toBe(first.fingerprint256);
});

it('refuses a key that is not the certificate’s, saying which flag', async () => {
  const a = await selfSignedCertificate(path.join(dir, 'a'), ['localhost']);
  const b = await selfSignedCertificate(path.join(dir, 'b'), ['localhost']);
  expect(checkedCredentials(a, { cert: '--cert a', key: '--key a' }).cert).toBe(a.cert);
  expect(() => checkedCredentials({ cert: a.cert, key: b.key }, { cert: '--cert a', key: '--key b' })).toThrow(
    expect.objectContaining({ code: 'ERR_OPTION', message: expect.stringContaining('--key b') }),
  );
  expect(() => checkedCredentials({ cert: 'not pem', key: a.key }, { cert: '--cert x', key: '--key a' })).toThrow(
    expect.objectContaining({ code: 'ERR_OPTION' }),
  );
});
