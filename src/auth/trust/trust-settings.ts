/** One identity provider whose tokens are accepted: its `iss`, and where its keys are when it has no discovery. */
export interface TrustedIssuerSetting {
  issuer: string;
  jwksUri?: string;
}

/** README "Use your own identity provider": whose tokens count besides ours, and how a caller is read from them. */
export interface TrustSettings {
  issuers: TrustedIssuerSetting[];
  /** Undefined: any audience (the banner says so). */
  audiences?: string[];
  emailClaim: string;
  roleClaim: string;
}
