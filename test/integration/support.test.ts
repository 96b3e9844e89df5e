import { existsSync } from 'node:fs';
import type { FakeJwtApi } from '../../src/app/create-server';
import { useServer } from '../support';

// The shared harness itself: what a test starts is closed after it, what beforeAll starts lives for the file.
const { project, serve } = useServer({ scope: 'file' });
let fileServer: FakeJwtApi;
let testServer: FakeJwtApi;
const closed: string[] = [];
const watchClose = (api: FakeJwtApi, name: string) => {
  const close = api.close;
  api.close = async () => {
    closed.push(name);
    await close();
  };
};

beforeAll(async () => {
  fileServer = await serve();
  watchClose(fileServer, 'file');
});

it('starts a server inside a test', async () => {
  testServer = await serve();
  watchClose(testServer, 'test');
  await testServer.close(); // a test may close its own server: the harness's close after it must not throw
});

it('closed that server after the test, and keeps the one from beforeAll and the project', () => {
  expect(closed).toContain('test');
  expect(closed).not.toContain('file');
  expect(existsSync(project.file('db.json'))).toBe(true);
});
