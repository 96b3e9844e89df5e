import { ApiError, DomainError, RuntimeError, type DomainErrorCode } from '../errors';
import { FileChangedOnDiskError, FileLockTimeoutError } from '../files/errors';
import { toApiError } from './errors';

const response = (error: unknown) => {
  const { status, code, message } = toApiError(error);
  return { status, code, message };
};

describe('toApiError', () => {
  it.each<[DomainErrorCode, number, string]>([
    ['ERR_EMAIL_TAKEN', 409, 'conflict'],
    ['ERR_REGISTRATION_CLOSED', 409, 'conflict'],
    ['ERR_ACCOUNTS_FILE_INVALID', 500, 'server_error'],
    ['ERR_RECORD_ID_INVALID', 400, 'invalid_request'],
    ['ERR_RECORD_ID_USED', 409, 'conflict'],
  ])('answers the store decision %s with %i %s and its own message', (code, status, error) => {
    expect(response(new DomainError(code, 'why'))).toEqual({ status, code: error, message: 'why' });
  });

  it('answers a write refused over a hand edit with a 409 saying what to do', () => {
    expect(response(new FileChangedOnDiskError('db.json', 'db.json was edited by hand'))).toEqual({
      status: 409,
      code: 'conflict',
      message: 'db.json was edited by hand',
    });
  });

  it('answers a lock held too long, like any failure at run time, with a 500 that tells nothing of the files', () => {
    const lockTimeout = new FileLockTimeoutError('/state/users.json.lock', 15_000);
    expect(lockTimeout).toBeInstanceOf(RuntimeError);
    expect(lockTimeout.code).toBe('ERR_FILE_LOCK_TIMEOUT');
    expect(response(lockTimeout)).toEqual({ status: 500, code: 'server_error', message: 'Something went wrong on the server; its log has the details.' });
  });

  it("passes an ApiError through, and reads body-parser's errors by their type", () => {
    const apiError = new ApiError(403, 'forbidden', 'no');
    expect(toApiError(apiError)).toBe(apiError);
    expect(response({ type: 'entity.too.large', status: 413 })).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(response({ type: 'entity.parse.failed', status: 400, message: 'Unexpected end' })).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});
