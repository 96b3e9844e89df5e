/** The account flows' endpoints (README "Password reset and email verification"), under /auth. */
export const FORGOT_PASSWORD_PATH = '/auth/forgot-password';
export const RESET_PASSWORD_PATH = '/auth/reset-password';
export const VERIFY_EMAIL_PATH = '/auth/verify-email';
export const RESEND_VERIFICATION_PATH = '/auth/verify-email/resend';
