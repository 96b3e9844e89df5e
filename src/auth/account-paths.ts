/** The account flows' endpoints (README "Password reset and email verification"), under /auth. */
export const FORGOT_PASSWORD_PATH = '/auth/forgot-password';
export const RESET_PASSWORD_PATH = '/auth/reset-password';
