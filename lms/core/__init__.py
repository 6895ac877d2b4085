"""What every request shares: extensions, the transaction, security headers, language, errors."""
