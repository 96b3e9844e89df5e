import bcrypt from 'bcryptjs';
import request from 'supertest';
import { makeProject, serverFor, type Project } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

// Issue 10: an unknown email was checked against a scrypt decoy (41 ms) while json-server-auth's accounts have bcrypt
// hashes (80 ms): the time told which emails exist. The decoy must cost what the real check for an email would.

let project: Project;
let api: FakeJwtApi;

beforeAll(async () => {
  project = makeProject({
    'db.json': {
      users: [
        { id: 1, email: 'olivier@mail.com', password: bcrypt.hashSync('bestPassw0rd', 10) },
        { id: 2, email: 'marie@mail.com', password: bcrypt.hashSync('marie-pass', 10) },
      ],
      messages: [],
    },
  });
  // Timing, not throttling: the measured wrong passwords would reach the login limit (README "Rate limits").
  api = await serverFor(project, { rateLimit: 'off' });
});
afterAll(async () => {
  await api.close();
  project.cleanup();
});

async function loginTime(email: string): Promise<number> {
  const started = process.hrtime.bigint();
  await request(api.app).post('/login').send({ email, password: 'wrong-password' }).expect(401);
  return Number(process.hrtime.bigint() - started) / 1e6;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

it('a json-server-auth project (bcrypt): an unknown email takes as long as a wrong password for a known one', async () => {
  await loginTime('olivier@mail.com'); // warm up
  const known: number[] = [];
  const unknown: number[] = [];
  for (let round = 0; round < 11; round++) {
    known.push(await loginTime('olivier@mail.com'));
    unknown.push(await loginTime(`nobody${round}@mail.com`));
  }
  const ratio = median(unknown) / median(known);
  expect(ratio).toBeGreaterThan(0.75);
  expect(ratio).toBeLessThan(1.25);
});
