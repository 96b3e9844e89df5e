/** Everything a test in test/ shares: projects, servers that always close, logins and requests, the CLI, ports. */
export * from './project';
export * from './server';
export * from './requests';
export * from './cli';
export * from './ports';
export * from './rule-servers';
export * from './mock-idp';
export * from './chromium';
export * from './openapi';
export * from './provider-sign-in';
