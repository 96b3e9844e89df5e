import express, { type ErrorRequestHandler, type Request } from 'express';
import request from 'supertest';
import { makeRequestLog } from '../../src/http/request-log';

// The request log on its own: who it names when the request was refused before any step read the token.
function appLogging(identify: (req: Request) => { sub: string; role: string } | undefined) {
  const lines: string[] = [];
  const app = express();
  app.use(makeRequestLog({ write: (line) => lines.push(line), identify }));
  app.use(express.json());
  app.post('/checked', (req, res) => {
    req.auth = { sub: '7', role: 'editor' } as Request['auth'];
    res.status(204).end();
  });
  const answerAsJson: ErrorRequestHandler = (error, _req, res, _next) => res.status(error.status ?? 500).json({ error: 'invalid_request' });
  app.use(answerAsJson);
  return { app, lines };
}

const notJson = (app: express.Express, path: string, token: string) =>
  request(app).post(path).set('Content-Type', 'application/json').set('Authorization', `Bearer ${token}`).send('{ not json');

describe('request log', () => {
  it('names the caller a valid token names when the body was not JSON', async () => {
    const { app, lines } = appLogging((req) => (req.headers.authorization === 'Bearer good' ? { sub: '2', role: 'user' } : undefined));
    await notJson(app, '/anything', 'good').expect(400);
    expect(lines).toEqual([expect.stringMatching(/^POST \/anything 400 \d+\.\d ms user 2 \(user\)$/)]);
  });

  it('logs a bad token as anonymous, and the answer stays what it was', async () => {
    const { app, lines } = appLogging(() => {
      throw new Error('invalid_token');
    });
    await notJson(app, '/anything', 'forged').expect(400);
    expect(lines).toEqual([expect.stringMatching(/ ms anonymous$/)]);
  });

  it('prefers the caller a step already authenticated, without verifying again', async () => {
    const identify = jest.fn(() => ({ sub: '2', role: 'user' }));
    const { app, lines } = appLogging(identify);
    await request(app).post('/checked').send({}).expect(204);
    expect(lines).toEqual([expect.stringMatching(/ ms user 7 \(editor\)$/)]);
    expect(identify).not.toHaveBeenCalled();
  });
});
