const express = require('express');
const { expressjwt } = require('express-jwt');
const jwksRsa = require('jwks-rsa');

const api = process.env.API_URL ?? 'http://localhost:3000'; // where fake-jwt-api runs: the issuer of its tokens
const app = express();
app.use(
  '/api',
  expressjwt({
    secret: jwksRsa.expressJwtSecret({ jwksUri: `${api}/.well-known/jwks.json`, cache: true, rateLimit: true }),
    algorithms: ['RS256'],
    issuer: api,
  }),
);
app.get('/api/me', (req, res) => res.json({ sub: req.auth.sub, email: req.auth.email }));
app.listen(process.env.PORT ?? 4000);
