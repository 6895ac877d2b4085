"""Mikrobevis: Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0, secured as VC-JWT with
Ed25519), issued by the municipality under ``did:web``, with a Bitstring Status List, a wallet, a
public verification page and the import of credentials from trusted issuers (docs/credentials.md)."""
